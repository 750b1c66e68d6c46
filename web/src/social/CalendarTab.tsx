// The calendar of posts (FullCalendar: month and week, in the workspace's time zone): scheduled
// and published posts coloured by where they stand, a scheduled post dragged to another day or
// time to move it, a click to open it; the drafts beside it; and the address of the calendar as
// an iCalendar feed for the team's own calendar apps.
import FullCalendar from '@fullcalendar/react';
import dayGridPlugin from '@fullcalendar/react/daygrid';
import interactionPlugin from '@fullcalendar/react/interaction';
import timeGridPlugin from '@fullcalendar/react/timegrid';
import formaTheme from '@fullcalendar/react/themes/forma';
import '@fullcalendar/react/skeleton.css';
import '@fullcalendar/react/themes/forma/theme.css';
import './calendar.css';
import type { EventDropInfo, EventInput } from '@fullcalendar/react';
import { Anchor, Badge, Button, Card, EmptyState, Grid, Group, Modal, Stack, Text, Title } from '@mantine/core';
import { useDisclosure, useMediaQuery } from '@mantine/hooks';
import { IconCalendarEvent, IconPencil, IconRss } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { CopyField } from '../components/CopyField.tsx';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { fromNow } from '../lib/format.ts';
import { notifyError, notifySuccess } from '../lib/notify.tsx';
import { type Post, useFeedQuery, useMove, usePostsQuery, useTimeZone } from './model.ts';
import { useSocial } from './SocialPage.tsx';
import { dateTimeIn, DELIVERY_LABELS, postState, postTitle, zoneLabel } from './words.ts';

const STATE_COLORS = {
  scheduled: 'var(--mantine-color-brand-6)',
  publishing: 'var(--mantine-color-orange-6)',
  published: 'var(--mantine-color-teal-7)',
  failed: 'var(--mantine-color-red-6)',
} as const;

/** A post can move while none of its deliveries has been handed to a network. */
const movable = (p: Post) => p.deliveries.length > 0 && p.deliveries.every((d) => d.state === 'scheduled');

export function CalendarTab() {
  const { canWrite } = useSocial();
  const timeZone = useTimeZone();
  const navigate = useNavigate();
  const phone = useMediaQuery('(max-width: 48em)');
  const [range, setRange] = useState<{ from: string; to: string } | null>(null);
  // The month at its natural height; the week's 24 hours in a box of their own, opening at 08:00.
  const [view, setView] = useState('dayGridMonth');
  const [feedOpen, feed] = useDisclosure(false);
  const posts = usePostsQuery(range);
  const move = useMove();
  const all = posts.data?.posts;
  const drafts = (all ?? []).filter((p) => p.state === 'draft');
  const events = useMemo<EventInput[]>(
    () =>
      (all ?? [])
        .filter((p) => p.state === 'scheduled' && p.scheduledAt)
        .map((p) => {
          const state = postState(p) as keyof typeof STATE_COLORS;
          return {
            id: p.id,
            title: postTitle(p, 48),
            start: p.scheduledAt!,
            color: STATE_COLORS[state],
            editable: canWrite && movable(p),
            extendedProps: { state },
          };
        }),
    [all, canWrite],
  );

  const onDrop = (info: EventDropInfo) => {
    const at = info.event.start;
    if (!at) return info.revert();
    move.mutate(
      { id: info.event.id, at: at.toISOString() },
      {
        onSuccess: (p) => notifySuccess(`It now goes out on ${dateTimeIn(p.scheduledAt!, timeZone!)}.`, 'Post moved'),
        onError: (err) => {
          info.revert();
          notifyError(err, 'The post did not move');
        },
      },
    );
  };

  if (!timeZone) return <LoadingBlock label="Loading the calendar" />;
  return (
    <Grid gap="lg">
      <Grid.Col span={{ base: 12, lg: 9 }}>
        <Card padding={phone ? 'xs' : 'md'} data-testid="calendar">
          <Group justify="space-between" mb="sm" gap="xs" px={phone ? 4 : 0}>
            <Text fz="xs" c="dimmed">
              Times in {zoneLabel(timeZone)}. {canWrite ? (phone ? 'Press and hold a scheduled post, then drag it, to move it.' : 'Drag a scheduled post to move it.') : ''}
            </Text>
            <Button variant="subtle" size="compact-sm" leftSection={<IconRss size={14} />} onClick={feed.open}>
              Subscribe in your calendar app
            </Button>
          </Group>
          {posts.isError && <ErrorBlock error={posts.error} onRetry={() => void posts.refetch()} />}
          <div className="rapport-calendar" data-loading={posts.isFetching || undefined}>
            <FullCalendar
              plugins={[dayGridPlugin, timeGridPlugin, interactionPlugin, formaTheme]}
              initialView="dayGridMonth"
              timeZone={timeZone}
              locale="en-GB"
              firstDay={1}
              height={view === 'timeGridWeek' ? (phone ? 560 : 680) : 'auto'}
              headerToolbar={phone ? { start: 'title', end: 'prev,next' } : { start: 'prev,next today', center: 'title', end: 'dayGridMonth,timeGridWeek' }}
              footerToolbar={phone ? { start: 'today', end: 'dayGridMonth,timeGridWeek' } : false}
              buttons={{ today: { text: 'Today' }, dayGridMonth: { text: 'Month' }, timeGridWeek: { text: 'Week' } }}
              events={events}
              eventDisplay="block"
              displayEventEnd={false}
              defaultTimedEventDuration="01:00"
              eventTimeFormat={{ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }}
              slotHeaderFormat={{ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }}
              scrollTime="08:00"
              dayMaxEvents={3}
              nowIndicator
              allDaySlot={false}
              editable={canWrite}
              eventDurationEditable={false}
              eventAllow={(span) => span.start.getTime() >= Date.now()}
              // The whole text on hover: a month's cell shows only its first words.
              eventDidMount={(info) => info.el.setAttribute('title', `${info.timeText} ${info.event.title}`.trim())}
              eventDrop={onDrop}
              eventClick={(info) => {
                info.jsEvent.preventDefault();
                navigate(`/social/posts/${info.event.id}`);
              }}
              datesSet={(info) => {
                setView(info.view.type);
                setRange((r) => (r?.from === info.start.toISOString() && r.to === info.end.toISOString() ? r : { from: info.start.toISOString(), to: info.end.toISOString() }));
              }}
            />
          </div>
          <Group gap="md" mt="sm" px={phone ? 4 : 0}>
            {(Object.keys(STATE_COLORS) as (keyof typeof STATE_COLORS)[]).map((s) => (
              <Group key={s} gap={6}>
                <span style={{ width: 10, height: 10, borderRadius: 3, background: STATE_COLORS[s], display: 'inline-block' }} />
                <Text fz="xs" c="dimmed">
                  {DELIVERY_LABELS[s].replace('…', '')}
                </Text>
              </Group>
            ))}
          </Group>
        </Card>
      </Grid.Col>
      <Grid.Col span={{ base: 12, lg: 3 }}>
        <Card data-testid="drafts">
          <Title order={2} fz="md" mb="sm">
            Drafts
          </Title>
          {posts.isPending ? (
            <LoadingBlock label="Loading the drafts" />
          ) : drafts.length === 0 ? (
            <EmptyState
              variant="light"
              color="gray"
              icon={<IconCalendarEvent size={24} stroke={1.6} />}
              title="No drafts"
              description={canWrite ? 'A post you save without scheduling waits here.' : 'Posts saved without a time wait here.'}
              size="sm"
            >
              {canWrite && (
                <EmptyState.Actions>
                  <Button component={Link} to="/social/compose" size="xs" variant="default">
                    Write a post
                  </Button>
                </EmptyState.Actions>
              )}
            </EmptyState>
          ) : (
            <Stack gap="sm">
              {drafts.map((d) => (
                <Anchor key={d.id} component={Link} to={`/social/compose/${d.id}`} underline="never" c="inherit" data-testid="draft">
                  <Card padding="sm" withBorder radius="md">
                    <Group gap={6} wrap="nowrap" align="flex-start">
                      <IconPencil size={14} style={{ flexShrink: 0, marginTop: 3 }} color="var(--mantine-color-dimmed)" />
                      <Text fz="sm" lineClamp={3} style={{ overflowWrap: 'anywhere' }}>
                        {postTitle(d, 120)}
                      </Text>
                    </Group>
                    <Group gap={6} mt={6}>
                      {d.images.length > 0 && (
                        <Badge size="xs" variant="outline" color="gray">
                          {d.images.length} {d.images.length === 1 ? 'image' : 'images'}
                        </Badge>
                      )}
                      <Text fz="xs" c="dimmed">
                        Changed {fromNow(d.updatedAt)}
                      </Text>
                    </Group>
                  </Card>
                </Anchor>
              ))}
            </Stack>
          )}
        </Card>
      </Grid.Col>
      <FeedModal opened={feedOpen} onClose={feed.close} />
    </Grid>
  );
}

function FeedModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const q = useFeedQuery(opened);
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={650}>Subscribe in your calendar app</Text>} size="lg">
      <Stack gap="md">
        <Text fz="sm">
          Add this address to Google Calendar (Other calendars → From URL), Apple Calendar (File → New Calendar Subscription) or Outlook (Add calendar → Subscribe from web): your scheduled
          posts show there and stay up to date, as the apps refresh it every few hours.
        </Text>
        {q.isPending ? (
          <LoadingBlock label="Loading the address" />
        ) : q.isError ? (
          <ErrorBlock error={q.error} onRetry={() => void q.refetch()} />
        ) : (
          <CopyField label="Calendar address" value={q.data.url} description="Whoever has this address sees your planned posts: share it within the team only." />
        )}
      </Stack>
    </Modal>
  );
}
