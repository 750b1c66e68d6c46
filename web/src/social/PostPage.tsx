// One post: its text and images, and on each network where it stands (scheduled, publishing,
// published, failed in the network's own words with "Try again"), the link to it there, its
// likes, reposts and replies, the clicks on its links, its coupon code with the orders that used
// it and what they came to, per currency; and the replies the stream found to it.
import { Alert, Anchor, Badge, Button, Card, Code, Group, Image, SimpleGrid, Stack, Text, Title, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconAlertTriangle, IconArrowLeft, IconClick, IconExternalLink, IconHeart, IconMessageCircle, IconPencil, IconRepeat, IconSend, IconTicket } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ConfirmModal } from '../components/ConfirmModal.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { ErrorBlock, LoadingBlock, LoadMore } from '../components/QueryState.tsx';
import { isApiError } from '../lib/api.ts';
import { fromNow } from '../lib/format.ts';
import { notifyError, notifySuccess } from '../lib/notify.tsx';
import { roleAtLeast } from '../lib/roles.ts';
import { useWorkspace } from '../lib/session.ts';
import { count, money, plural } from '../reports/format.ts';
import { NETWORK_ICONS } from './icons.ts';
import { MentionCard } from './MentionCard.tsx';
import {
  type Delivery,
  imageUrl,
  type Post,
  type PostResults,
  useAccountsQuery,
  useDeletePost,
  useMentionsQuery,
  usePostResultsQuery,
  usePublishNow,
  useRetry,
  useTimeZone,
  useUnschedule,
} from './model.ts';
import { dateTimeIn, DELIVERY_COLORS, DELIVERY_LABELS, NETWORK_LABELS, at as handle, postState, postTitle, zoneLabel } from './words.ts';

export function PostPage() {
  const { id } = useParams();
  const results = usePostResultsQuery(id!);
  const timeZone = useTimeZone();
  const back = (
    <Button component={Link} to="/social/calendar" variant="default" leftSection={<IconArrowLeft size={16} />}>
      Calendar
    </Button>
  );
  if (results.isPending || !timeZone)
    return (
      <>
        <PageHeader title="Post" actions={back} />
        <LoadingBlock label="Loading the post" />
      </>
    );
  if (results.isError)
    return (
      <>
        <PageHeader title="Post" actions={back} />
        {isApiError(results.error, 404) ? (
          <Card>
            <Text>This post is not here any more: it was deleted, or it belongs to another workspace.</Text>
          </Card>
        ) : (
          <ErrorBlock error={results.error} onRetry={() => void results.refetch()} />
        )}
      </>
    );
  return <PostView results={results.data} timeZone={timeZone} back={back} />;
}

/** The text with {{ coupon.code }} marked: each network's own code goes there (below). */
function withCode(text: string): ReactNode[] {
  return text.split(/(\{\{\s*coupon\.code\s*\}\})/).map((part, i) =>
    i % 2 === 1 ? (
      <Tooltip key={i} label="Each network’s code goes here: see below">
        <Code>coupon code</Code>
      </Tooltip>
    ) : (
      part
    ),
  );
}

function when(post: Post, timeZone: string): string {
  const state = postState(post);
  const zone = zoneLabel(timeZone, post.scheduledAt ? new Date(post.scheduledAt) : undefined);
  if (state === 'draft') return `A draft, changed ${fromNow(post.updatedAt)}: it goes nowhere until you schedule it.`;
  const published = post.deliveries.map((d) => d.publishedAt).filter((x): x is string => Boolean(x));
  if (state === 'published' && published.length) return `Published on ${dateTimeIn(published.sort()[0]!, timeZone)} (${zone}).`;
  if (state === 'scheduled') return `Scheduled for ${dateTimeIn(post.scheduledAt!, timeZone)} (${zone}).`;
  if (state === 'publishing') return 'Being published now.';
  return `Scheduled for ${dateTimeIn(post.scheduledAt!, timeZone)} (${zone}); it did not go out everywhere: see below.`;
}

function PostView({ results: r, timeZone, back }: { results: PostResults; timeZone: string; back: ReactNode }) {
  const post = r.post;
  const navigate = useNavigate();
  const canWrite = roleAtLeast(useWorkspace().role, 'marketer');
  const accounts = useAccountsQuery();
  const publishNow = usePublishNow();
  const unschedule = useUnschedule();
  const remove = useDeletePost();
  const [deleting, del] = useDisclosure(false);
  const waiting = post.state === 'scheduled' && post.deliveries.length > 0 && post.deliveries.every((d) => d.state === 'scheduled');
  const onNetwork = post.deliveries.some((d) => d.state === 'publishing' || d.state === 'published');
  return (
    <>
      <PageHeader
        title={postTitle(post, 48)}
        description={<span data-testid="post-when">{when(post, timeZone)}</span>}
        actions={
          <>
            {back}
            {canWrite && post.state === 'draft' && (
              <Button component={Link} to={`/social/compose/${post.id}`} leftSection={<IconPencil size={16} />}>
                Edit
              </Button>
            )}
            {canWrite && waiting && (
              <>
                <Button
                  variant="default"
                  loading={unschedule.isPending}
                  onClick={() => unschedule.mutate(post.id, { onSuccess: () => navigate(`/social/compose/${post.id}`), onError: (err) => notifyError(err) })}
                >
                  Back to a draft
                </Button>
                <Button
                  leftSection={<IconSend size={16} />}
                  loading={publishNow.isPending}
                  onClick={() => publishNow.mutate(post.id, { onSuccess: () => notifySuccess('It is on its way to the networks.', 'Publishing'), onError: (err) => notifyError(err) })}
                >
                  Publish now
                </Button>
              </>
            )}
          </>
        }
      />
      <Stack gap="lg">
        <Card data-testid="post-content">
          <Title order={2} fz="md" mb="sm">
            The post
          </Title>
          <Text style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{post.text ? withCode(post.text) : <Text span c="dimmed">(no text)</Text>}</Text>
          {Object.entries(post.variants).map(([network, text]) => (
            <div key={network}>
              <Text fz="xs" c="dimmed" mt="md" fw={600}>
                On {NETWORK_LABELS[network as Delivery['network']]}:
              </Text>
              <Text fz="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                {withCode(text ?? '')}
              </Text>
            </div>
          ))}
          {post.images.length > 0 && (
            <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="sm" mt="md">
              {post.images.map((img, i) => (
                <Stack key={img.id} gap={4}>
                  <Image src={imageUrl(post.id, img.id)} alt={img.alt || `Image ${i + 1}`} h={120} radius="md" fit="cover" bg="gray.1" />
                  <Text fz="xs" c={img.alt ? 'dimmed' : 'orange.8'} lineClamp={2}>
                    {img.alt || 'No alt text'}
                  </Text>
                </Stack>
              ))}
            </SimpleGrid>
          )}
          {post.coupon && (
            <Group gap={6} mt="md" wrap="nowrap" align="flex-start">
              <IconTicket size={16} stroke={1.7} style={{ flexShrink: 0, marginTop: 2 }} />
              <Text fz="sm">
                {post.coupon.mode === 'shared' ? 'The campaign’s code' : 'A code of its own on each network'} ·{' '}
                <Anchor component={Link} to={`/coupons/${post.coupon.campaignId}`} fz="sm">
                  See the campaign
                </Anchor>
              </Text>
            </Group>
          )}
        </Card>

        {post.deliveries.length === 0 ? (
          <Card>
            <Text fz="sm" c="dimmed">
              {post.state === 'draft' ? 'Once scheduled, each network it goes to shows here: when it goes out, then what it did.' : 'It goes to no account.'}
            </Text>
          </Card>
        ) : (
          <div>
            <Title order={2} fz="lg" mb="sm">
              On each network
            </Title>
            <SimpleGrid cols={{ base: 1, md: post.deliveries.length > 1 ? 2 : 1 }} spacing="md">
              {post.deliveries.map((d) => (
                <DeliveryCard key={d.id} delivery={d} results={r} timeZone={timeZone} canWrite={canWrite} />
              ))}
            </SimpleGrid>
          </div>
        )}

        {post.deliveries.some((d) => d.state === 'published') && <Replies postId={post.id} accounts={accounts.data?.accounts ?? []} canWrite={canWrite} />}

        {canWrite && !onNetwork && post.state !== 'draft' && (
          <Group>
            <Button variant="subtle" color="red" size="xs" onClick={del.open}>
              Delete the post
            </Button>
          </Group>
        )}
        {canWrite && post.state === 'draft' && (
          <Group>
            <Button variant="subtle" color="red" size="xs" onClick={del.open}>
              Delete the draft
            </Button>
          </Group>
        )}
      </Stack>
      <ConfirmModal
        opened={deleting}
        title="Delete this post?"
        confirmLabel="Delete"
        loading={remove.isPending}
        onClose={del.close}
        onConfirm={() =>
          remove.mutate(post.id, {
            onSuccess: () => {
              del.close();
              notifySuccess('The post is deleted.');
              navigate('/social/calendar');
            },
            onError: (err) => notifyError(err),
          })
        }
      >
        It goes to no network and leaves the calendar. Codes already given to it stay in the campaign, unused.
      </ConfirmModal>
    </>
  );
}

function Figure({ icon, label, value, hint }: { icon: ReactNode; label: string; value: string; hint?: string }) {
  const body = (
    <Stack gap={0} align="flex-start">
      <Group gap={4} c="dimmed" wrap="nowrap">
        {icon}
        <Text fz="xs" c="dimmed">
          {label}
        </Text>
      </Group>
      <Text fz="lg" fw={650}>
        {value}
      </Text>
    </Stack>
  );
  return hint ? <Tooltip label={hint}>{body}</Tooltip> : body;
}

function DeliveryCard({ delivery: d, results, timeZone, canWrite }: { delivery: Delivery; results: PostResults; timeZone: string; canWrite: boolean }) {
  const Icon = NETWORK_ICONS[d.network];
  const retry = useRetry();
  const r = results.deliveries.find((x) => x.deliveryId === d.id);
  const network = NETWORK_LABELS[d.network];
  return (
    <Card data-testid="delivery">
      <Group justify="space-between" wrap="nowrap" align="flex-start" gap="sm">
        <Group gap="sm" wrap="nowrap" style={{ minWidth: 0 }}>
          <Icon size={22} stroke={1.6} style={{ flexShrink: 0 }} />
          <div style={{ minWidth: 0 }}>
            <Text fw={650} truncate>
              {network}
            </Text>
            <Text fz="sm" c="dimmed" truncate>
              {handle(d.handle)}
            </Text>
          </div>
        </Group>
        <Badge color={DELIVERY_COLORS[d.state]} style={{ flexShrink: 0 }} data-testid="delivery-state">
          {DELIVERY_LABELS[d.state]}
        </Badge>
      </Group>
      <Text fz="sm" mt="sm" data-testid="delivery-when">
        {d.state === 'published' && d.publishedAt
          ? `Published on ${dateTimeIn(d.publishedAt, timeZone)}.`
          : d.state === 'scheduled'
            ? `Goes out on ${dateTimeIn(d.dueAt, timeZone)}.`
            : d.state === 'publishing'
              ? `Being handed to ${network}…`
              : `${network} did not take it${d.attempts > 1 ? ` (${plural(d.attempts, 'try', 'tries')})` : ''}.`}{' '}
        {d.remoteUrl && (
          <Anchor href={d.remoteUrl} target="_blank" rel="noopener noreferrer" fz="sm">
            <Group gap={3} component="span" wrap="nowrap" display="inline-flex">
              See it on {network}
              <IconExternalLink size={13} />
            </Group>
          </Anchor>
        )}
      </Text>
      {d.state === 'failed' && (
        <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} mt="sm" title={`${network} said`} data-testid="delivery-error">
          <Stack gap="xs" align="flex-start">
            <Text fz="sm">{d.error ?? 'No reason was given.'}</Text>
            {canWrite && (
              <Button size="xs" variant="white" color="red" loading={retry.isPending} onClick={() => retry.mutate(d.id, { onError: (err) => notifyError(err) })}>
                Try again
              </Button>
            )}
          </Stack>
        </Alert>
      )}
      {d.text && (
        <Text fz="sm" c="dimmed" mt="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', borderLeft: '3px solid var(--mantine-color-gray-3)', paddingLeft: 10 }} data-testid="delivery-text">
          {d.text}
        </Text>
      )}
      {d.state === 'published' && (
        <>
          <Group gap="xl" mt="md" wrap="wrap" data-testid="delivery-figures">
            <Figure icon={<IconHeart size={14} />} label="Likes" value={d.metrics ? count(d.metrics.likes) : '–'} />
            <Figure icon={<IconRepeat size={14} />} label="Reposts" value={d.metrics ? count(d.metrics.reposts) : '–'} />
            <Figure icon={<IconMessageCircle size={14} />} label="Replies" value={d.metrics ? count(d.metrics.replies) : count(r?.replies ?? 0)} hint={d.metrics ? undefined : 'Found in the stream so far'} />
            <Figure
              icon={<IconClick size={14} />}
              label="Clicks"
              value={results.clicksCounted ? count(r?.clicks ?? 0) : '–'}
              hint={results.clicksCounted ? 'Clicks on the post’s links, through Rapport' : 'Not counted: Rapport counts clicks only when it has a public web address (RAPPORT_PUBLIC_URL)'}
            />
          </Group>
          <Text fz="xs" c="dimmed" mt={4}>
            {d.metrics ? `Likes, reposts and replies as ${network} counted them ${fromNow(d.metrics.at)}.` : `Likes, reposts and replies are fetched from ${network} 15 minutes after publishing, then every hour for a day and every day for a week.`}
          </Text>
        </>
      )}
      {d.couponCode && <CouponResults code={d.couponCode} revenue={r?.revenue ?? []} shared={results.sharedCode} />}
    </Card>
  );
}

function CouponResults({ code, revenue, shared }: { code: string; revenue: PostResults['deliveries'][number]['revenue']; shared: boolean }) {
  const uses = revenue.reduce((n, m) => n + m.redemptions, 0);
  return (
    <Card withBorder radius="md" padding="sm" mt="md" bg="gray.0" data-testid="delivery-coupon">
      <Group gap={6} wrap="nowrap">
        <IconTicket size={16} stroke={1.7} />
        <Text fz="sm">
          Code{' '}
          <Text span ff="monospace" fw={650}>
            {code}
          </Text>
        </Text>
      </Group>
      {shared ? (
        <Text fz="sm" c="dimmed" mt={4}>
          This is the campaign’s shared code: everyone uses the same one, so its orders cannot be told apart by post. The campaign’s page counts them all.
        </Text>
      ) : uses === 0 ? (
        <Text fz="sm" c="dimmed" mt={4} data-testid="coupon-uses">
          Not used yet.
        </Text>
      ) : (
        <Stack gap={2} mt={4} data-testid="coupon-uses">
          <Text fz="sm">Used {uses === 1 ? 'once' : `${count(uses)} times`}:</Text>
          {revenue.map((m) => (
            <Text key={m.currency} fz="sm">
              {plural(m.redemptions, 'order')} in {m.currency} came to <b>{money(m.orders, m.currency)}</b>, with {money(m.discount, m.currency)} off.
            </Text>
          ))}
        </Stack>
      )}
    </Card>
  );
}

function Replies({ postId, accounts, canWrite }: { postId: string; accounts: NonNullable<ReturnType<typeof useAccountsQuery>['data']>['accounts']; canWrite: boolean }) {
  const q = useMentionsQuery({ postId }, { limit: 200, refetchInterval: 30_000 });
  const replies = q.data?.pages.flatMap((p) => p.mentions) ?? [];
  return (
    <div data-testid="post-replies">
      <Title order={2} fz="lg" mb="sm">
        Replies found in the stream
      </Title>
      {q.isPending ? (
        <LoadingBlock label="Loading the replies" />
      ) : replies.length === 0 ? (
        <Card>
          <Text fz="sm" c="dimmed">
            No replies yet. Rapport looks for them every minute; they show here and in the stream, with how they read and who wrote them.
          </Text>
        </Card>
      ) : (
        <Stack gap="sm">
          {replies.map((m) => (
            <MentionCard key={m.id} mention={m} accounts={accounts} canWrite={canWrite} showPost={false} />
          ))}
        </Stack>
      )}
      <LoadMore query={q} />
    </div>
  );
}
