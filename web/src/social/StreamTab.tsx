// The stream: what people posted about the shop, newest first, with filters (network,
// sentiment, words, customers only) kept in the address; above it, the volume and sentiment
// per day over the last 30 days and the authors who post about the shop most.
import { BarChart } from '@mantine/charts';
import '@mantine/charts/styles.css';
import { Anchor, Button, Card, EmptyState, Grid, Group, Select, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { IconMessages, IconRefresh, IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { ErrorBlock, LoadingBlock, LoadMore } from '../components/QueryState.tsx';
import { notifyError, notifySuccess } from '../lib/notify.tsx';
import { count, plural, shortDay } from '../reports/format.ts';
import { MentionCard } from './MentionCard.tsx';
import { type Network, type StreamFilter, type Summary, useFetchNow, useMentionsQuery, useSummaryQuery } from './model.ts';
import { useSocial } from './SocialPage.tsx';
import { at, NETWORK_LABELS, profileUrl, SENTIMENT_LABELS, wallClock } from './words.ts';

const SENTIMENTS = ['positive', 'neutral', 'negative', 'unscored'] as const;

function useFilter(): [StreamFilter, (change: Partial<Record<'network' | 'sentiment' | 'q' | 'known', string | null>>) => void] {
  const [params, setParams] = useSearchParams();
  const network = params.get('network');
  const sentiment = params.get('sentiment');
  const filter: StreamFilter = {
    network: network === 'bluesky' || network === 'mastodon' ? network : undefined,
    sentiment: (SENTIMENTS as readonly string[]).includes(sentiment ?? '') ? (sentiment as StreamFilter['sentiment']) : undefined,
    q: params.get('q') ?? undefined,
    known: params.get('known') === 'true',
  };
  const change = (c: Partial<Record<'network' | 'sentiment' | 'q' | 'known', string | null>>) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(c)) {
          if (v) next.set(k, v);
          else next.delete(k);
        }
        return next;
      },
      { replace: true },
    );
  return [filter, change];
}

export function StreamTab() {
  const { accounts, canWrite } = useSocial();
  const [filter, change] = useFilter();
  const mentions = useMentionsQuery(filter);
  const summary = useSummaryQuery({ ...filter });
  const fetchNow = useFetchNow();
  const [words, setWords] = useState(filter.q ?? '');
  const applyWords = useDebouncedCallback((q: string) => change({ q: q.trim() || null }), 350);
  const filtered = Boolean(filter.network || filter.sentiment || filter.q || filter.known);
  const items = mentions.data?.pages.flatMap((p) => p.mentions) ?? [];
  const networks = [...new Set(accounts.map((a) => a.network))];
  return (
    <Stack gap="lg">
      {summary.data && (summary.data.totals.mentions > 0 || filtered) && <Overview summary={summary.data} />}
      <Card padding="md">
        <Group gap="sm" align="flex-end" wrap="wrap">
          {networks.length > 1 || filter.network ? (
            <Select
              label="Network"
              w={150}
              data={[{ value: '', label: 'All networks' }, ...(['bluesky', 'mastodon'] as Network[]).map((n) => ({ value: n, label: NETWORK_LABELS[n] }))]}
              value={filter.network ?? ''}
              onChange={(v) => change({ network: v || null })}
            />
          ) : null}
          <Select
            label="Sentiment"
            w={150}
            data={[{ value: '', label: 'Any' }, ...SENTIMENTS.map((s) => ({ value: s, label: SENTIMENT_LABELS[s] }))]}
            value={filter.sentiment ?? ''}
            onChange={(v) => change({ sentiment: v || null })}
          />
          <TextInput
            label="Words"
            placeholder="Posts that say…"
            leftSection={<IconSearch size={15} />}
            value={words}
            onChange={(e) => {
              setWords(e.currentTarget.value);
              applyWords(e.currentTarget.value);
            }}
            style={{ flex: '1 1 180px' }}
          />
          <Switch label="Known customers only" checked={filter.known ?? false} onChange={(e) => change({ known: e.currentTarget.checked ? 'true' : null })} mb={8} />
          {canWrite && (
            <Button
              variant="default"
              leftSection={<IconRefresh size={16} />}
              loading={fetchNow.isPending}
              ml="auto"
              onClick={() =>
                fetchNow.mutate(undefined, {
                  onSuccess: (t) =>
                    notifySuccess(
                      t.failed > 0
                        ? `${t.stored === 0 ? 'Nothing new' : plural(t.stored, 'new post')}; ${plural(t.failed, 'stream')} could not be read (see Accounts).`
                        : t.stored === 0
                          ? 'Nothing new since the last look.'
                          : `${plural(t.stored, 'new post')} found.`,
                    ),
                  onError: (err) => notifyError(err),
                })
              }
            >
              Check now
            </Button>
          )}
        </Group>
      </Card>
      {mentions.isPending ? (
        <LoadingBlock label="Loading the stream" />
      ) : mentions.isError ? (
        <ErrorBlock error={mentions.error} onRetry={() => void mentions.refetch()} />
      ) : items.length === 0 ? (
        <Card py="xl">
          {filtered ? (
            <EmptyState
              variant="light"
              color="gray"
              icon={<IconSearch size={28} stroke={1.6} />}
              title="Nothing matches these filters"
              description="Try fewer words, another sentiment, or everyone rather than known customers."
              maw={560}
              mx="auto"
            >
              <EmptyState.Actions>
                <Button
                  variant="default"
                  onClick={() => {
                    setWords('');
                    change({ network: null, sentiment: null, q: null, known: null });
                  }}
                >
                  Clear the filters
                </Button>
              </EmptyState.Actions>
            </EmptyState>
          ) : (
            <EmptyState
              variant="light"
              color="pink"
              icon={<IconMessages size={30} stroke={1.6} />}
              title="Nothing found yet"
              description="Rapport looks every minute for posts that mention your accounts or reply to your posts, and for the hashtags and words you add to an account. They show here, newest first, with how they read and who wrote them."
              maw={620}
              mx="auto"
            >
              {canWrite && (
                <EmptyState.Actions>
                  <Button component={Link} to="/social/accounts" variant="default">
                    Listen for a hashtag or a word
                  </Button>
                </EmptyState.Actions>
              )}
            </EmptyState>
          )}
        </Card>
      ) : (
        <Stack gap="sm" data-testid="mentions">
          {items.map((m) => (
            <MentionCard key={m.id} mention={m} accounts={accounts} canWrite={canWrite} />
          ))}
          <LoadMore query={mentions} />
        </Stack>
      )}
    </Stack>
  );
}

/** The last `n` days in the workspace's time zone, oldest first ("2026-11-08" … "2026-12-07"). */
function lastDays(n: number, timeZone: string): string[] {
  const today = Date.parse(`${wallClock(new Date(), timeZone).date}T00:00:00Z`);
  return Array.from({ length: n }, (_, i) => new Date(today - (n - 1 - i) * 86_400_000).toISOString().slice(0, 10));
}

const SERIES = [
  { name: 'positive', label: 'Positive', color: 'teal.5' },
  { name: 'neutral', label: 'Neutral', color: 'gray.5' },
  { name: 'negative', label: 'Negative', color: 'red.5' },
  { name: 'unscored', label: 'Not scored', color: 'gray.3' },
] as const;

function Overview({ summary: s }: { summary: Summary }) {
  const byDay = new Map(s.days.map((d) => [d.day, d]));
  const data = lastDays(30, s.timeZone).map((day) => {
    const d = byDay.get(day);
    return { day: shortDay(day), positive: d?.positive ?? 0, neutral: d?.neutral ?? 0, negative: d?.negative ?? 0, unscored: d?.unscored ?? 0 };
  });
  const t = s.totals;
  const parts = [t.positive && `${count(t.positive)} positive`, t.neutral && `${count(t.neutral)} neutral`, t.negative && `${count(t.negative)} negative`, t.unscored && `${count(t.unscored)} not scored`].filter(Boolean);
  return (
    <Grid gap="md">
      <Grid.Col span={{ base: 12, md: 8 }}>
        <Card h="100%" data-testid="stream-volume">
          <Title order={2} fz="md">
            The last 30 days
          </Title>
          <Text fz="sm" c="dimmed" mb="md">
            {plural(t.mentions, 'post')}, {t.known === 0 ? 'none by your customers' : `${count(t.known)} by your customers`}
            {parts.length ? `: ${parts.join(', ')}` : ''}.
          </Text>
          <BarChart
            h={200}
            data={data}
            dataKey="day"
            type="stacked"
            series={SERIES.filter((x) => data.some((d) => d[x.name] > 0)).map((x) => ({ ...x }))}
            valueFormatter={(v) => count(v)}
            withLegend
            legendProps={{ verticalAlign: 'bottom', height: 40, itemSorter: null }}
            yAxisProps={{ width: 32, allowDecimals: false, domain: [0, (max: number) => Math.max(3, max)] }}
            xAxisProps={{ interval: 'preserveStartEnd', minTickGap: 24 }}
            maxBarWidth={18}
            gridAxis="x"
          />
        </Card>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 4 }}>
        <Card h="100%" data-testid="top-authors">
          <Title order={2} fz="md" mb="sm">
            Who posts about you most
          </Title>
          {s.authors.length === 0 ? (
            <Text fz="sm" c="dimmed">
              Nobody in these 30 days.
            </Text>
          ) : (
            <Stack gap={10}>
              {s.authors.slice(0, 6).map((a) => {
                const profile = profileUrl(a.network, a.handle);
                return (
                  <Group key={`${a.network}:${a.handle}`} justify="space-between" wrap="nowrap" gap="sm">
                    <div style={{ minWidth: 0 }}>
                      <Text fz="sm" fw={600} truncate>
                        {a.contact ? (
                          <Anchor component={Link} to={`/contacts/${a.contact.id}`} inherit>
                            {a.contact.name}
                          </Anchor>
                        ) : (
                          a.name || at(a.handle)
                        )}
                      </Text>
                      {profile ? (
                        <Anchor href={profile} target="_blank" rel="noopener noreferrer" fz="xs" c="dimmed" truncate display="block">
                          {at(a.handle)}
                        </Anchor>
                      ) : (
                        <Text fz="xs" c="dimmed" truncate>
                          {at(a.handle)}
                        </Text>
                      )}
                    </div>
                    <Text fz="sm" ta="right" style={{ whiteSpace: 'nowrap' }}>
                      {plural(a.mentions, 'post')}
                      {a.negative > 0 && (
                        <Text span fz="xs" c="red" display="block">
                          {count(a.negative)} negative
                        </Text>
                      )}
                    </Text>
                  </Group>
                );
              })}
            </Stack>
          )}
        </Card>
      </Grid.Col>
    </Grid>
  );
}
