// A contact's activity, newest first: one readable sentence per event, endless scroll, and a
// filter by kind of event.
import { Box, Button, Center, Collapse, EmptyState, Group, Loader, Select, Stack, Text, ThemeIcon, Tooltip, UnstyledButton } from '@mantine/core';
import {
  IconActivity,
  IconChartPie,
  IconChevronDown,
  IconDeviceDesktop,
  IconGift,
  IconMail,
  IconMessageCircle,
  IconMessageCircleStar,
  IconReceiptRefund,
  IconRoute,
  IconShoppingBag,
  IconUserCheck,
  type Icon,
} from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import { eventLabel } from '../../../src/events/catalogue.ts';
import { ErrorBlock, LoadingBlock } from '../components/QueryState.tsx';
import { formatDateTime, fromNow } from '../lib/format.ts';
import { EventDetails } from './EventDetails.tsx';
import { eventKind, eventSentence } from './format.ts';
import { type TimelineEvent, useEventNamesQuery, useEventsQuery } from './model.ts';
import classes from './contacts.module.css';

const KINDS: Record<ReturnType<typeof eventKind>, { icon: Icon; color: string }> = {
  purchase: { icon: IconShoppingBag, color: 'teal' },
  refund: { icon: IconReceiptRefund, color: 'orange' },
  email: { icon: IconMail, color: 'blue' },
  page: { icon: IconDeviceDesktop, color: 'gray' },
  segment: { icon: IconChartPie, color: 'violet' },
  workflow: { icon: IconRoute, color: 'indigo' },
  survey: { icon: IconMessageCircleStar, color: 'yellow' },
  loyalty: { icon: IconGift, color: 'grape' },
  social: { icon: IconMessageCircle, color: 'pink' },
  identity: { icon: IconUserCheck, color: 'cyan' },
  other: { icon: IconActivity, color: 'gray' },
};

/** Who wrote an event, in words ("Purchase · via the tracking API"). */
const SOURCES: Record<string, string> = {
  tracking: 'the tracking API',
  import: 'an import',
  demo: 'the demo data',
  email: 'Rapport email',
  segments: 'Rapport segments',
  workflows: 'Rapport workflows',
  social: 'Rapport social listening',
  web: 'the web app',
  api: 'the API',
};

const eventCount = (n: number) => `${n.toLocaleString('en')} ${n === 1 ? 'event' : 'events'}`;

export function Timeline({ contactId }: { contactId: string }) {
  const [name, setName] = useState<string | null>(null);
  const names = useEventNamesQuery(contactId);
  const events = useEventsQuery(contactId, name);
  const sentinel = useRef<HTMLDivElement>(null);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = events;
  useEffect(() => {
    const el = sentinel.current;
    if (!el || !hasNextPage) return;
    const observer = new IntersectionObserver((e) => e.some((x) => x.isIntersecting) && !isFetchingNextPage && void fetchNextPage(), { rootMargin: '300px' });
    observer.observe(el);
    return () => observer.disconnect();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  const items = events.data?.pages.flatMap((p) => p.items) ?? [];
  const kinds = names.data ?? [];
  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Text fz="sm" c="dimmed">
          {kinds.length > 0 ? eventCount(kinds.reduce((sum, k) => sum + k.count, 0)) : ''}
        </Text>
        <Select
          aria-label="Event type"
          placeholder="All activity"
          clearable
          allowDeselect
          w={240}
          data={kinds.map((k) => ({ value: k.name, label: `${eventLabel(k.name)} (${k.count.toLocaleString('en')})` }))}
          value={name}
          onChange={setName}
          disabled={kinds.length === 0}
        />
      </Group>
      {events.isPending ? (
        <LoadingBlock label="Loading activity" />
      ) : events.isError ? (
        <ErrorBlock error={events.error} onRetry={() => void events.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState
          py={40}
          variant="light"
          color="gray"
          icon={<IconActivity size={26} />}
          title="No activity yet"
          description="Purchases, emails, page views and everything your systems send through the tracking API appear here."
        />
      ) : (
        <Box>
          {items.map((e) => (
            <EventRow key={e.id} event={e} />
          ))}
          <Box ref={sentinel} />
          {hasNextPage && (
            <Center py="sm">
              {isFetchingNextPage ? (
                <Loader size="sm" type="dots" aria-label="Loading older activity" />
              ) : (
                <Button variant="subtle" size="xs" onClick={() => void fetchNextPage()}>
                  Show older activity
                </Button>
              )}
            </Center>
          )}
        </Box>
      )}
    </Stack>
  );
}

function EventRow({ event }: { event: TimelineEvent }) {
  const [open, setOpen] = useState(false);
  const kind = KINDS[eventKind(event.name)];
  const hasDetails = Object.keys(event.properties).length > 0;
  return (
    <Group className={classes.timelineItem} gap="md" wrap="nowrap" align="flex-start" data-testid="timeline-event">
      <ThemeIcon size={32} radius="xl" variant="light" color={kind.color} style={{ flexShrink: 0 }}>
        <kind.icon size={17} stroke={1.7} />
      </ThemeIcon>
      <Stack gap={2} style={{ flex: 1, minWidth: 0 }} pt={5}>
        <Group justify="space-between" wrap="nowrap" gap="md" align="flex-start">
          <UnstyledButton onClick={() => hasDetails && setOpen((o) => !o)} style={{ cursor: hasDetails ? 'pointer' : 'default' }} aria-expanded={hasDetails ? open : undefined}>
            <Text fz="sm" fw={500} lh={1.4} style={{ overflowWrap: 'anywhere' }}>
              {eventSentence(event)}
              {hasDetails && (
                <IconChevronDown
                  size={14}
                  aria-hidden
                  style={{ marginLeft: 4, verticalAlign: 'middle', color: 'var(--mantine-color-dimmed)', transform: open ? 'rotate(180deg)' : undefined, transition: 'transform 120ms ease' }}
                />
              )}
            </Text>
          </UnstyledButton>
          <Tooltip label={formatDateTime(event.occurredAt)}>
            <Text fz="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
              {fromNow(event.occurredAt)}
            </Text>
          </Tooltip>
        </Group>
        <Text fz="xs" c="dimmed">
          {eventLabel(event.name)} · via {SOURCES[event.source] ?? event.source}
        </Text>
        <Collapse expanded={open}>{open && <EventDetails event={event} />}</Collapse>
      </Stack>
    </Group>
  );
}
