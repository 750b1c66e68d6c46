// A survey's responses, latest first: who answered (a link to the contact), the score in the
// colour of its group, what they wrote with its tone (English only; another language is said,
// not scored), partial or complete, when; filtered by group, tone, partial or complete and "with
// text only"; 50 at a time; and the whole as CSV.
import { Anchor, Badge, Box, Button, Card, Group, SegmentedControl, Select, Stack, Switch, Text } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { ErrorBlock, LoadingBlock, LoadMore } from '../components/QueryState.tsx';
import { download } from '../lib/api.ts';
import { formatDateTime, fromNow } from '../lib/format.ts';
import {
  type Band,
  bandColor,
  bandLabel,
  bandsOfKind,
  formatCount as n,
  languageName,
  type ResponseItem,
  type ResponsesFilter,
  type Sentiment,
  SENTIMENT_COLORS,
  SENTIMENT_LABELS,
  type SurveyDetail,
  type SurveyKind,
  useResponsesQuery,
} from './model.ts';
import classes from './surveys.module.css';

const CHANNELS: Record<ResponseItem['channel'], string> = { email: 'by email', link: 'by link', api: 'through the API' };

export function ResponsesTab({ survey }: { survey: SurveyDetail }) {
  const [params] = useSearchParams();
  const bands = bandsOfKind(survey.kind);
  const [filter, setFilter] = useState<ResponsesFilter>(() => ({
    band: bands.includes(params.get('band') as Band) ? (params.get('band') as Band) : null,
    sentiment: null,
    state: null,
    withText: params.get('withText') === '1',
  }));
  const responses = useResponsesQuery(survey.id, filter);
  const items = responses.data?.pages.flatMap((p) => p.items) ?? [];
  const total = responses.data?.pages[0]?.total;
  const filtered = filter.band !== null || filter.sentiment !== null || filter.state !== null || filter.withText;

  return (
    <Stack gap="md" data-testid="responses">
      <Group justify="space-between" align="flex-end" gap="sm">
        <Group gap="sm" align="flex-end" wrap="wrap">
          {bands.length > 0 && (
            <Select
              label="Score"
              placeholder="Any score"
              style={{ flex: '1 1 150px', maxWidth: 210 }}
              clearable
              data={bands.map((b) => ({ value: b, label: bandLabel(b, survey.kind) }))}
              value={filter.band}
              onChange={(v) => setFilter((f) => ({ ...f, band: (v as Band) ?? null }))}
            />
          )}
          <Select
            label="Tone of the text"
            placeholder="Any tone"
            style={{ flex: '1 1 130px', maxWidth: 170 }}
            clearable
            data={(['positive', 'neutral', 'negative'] as Sentiment[]).map((s) => ({ value: s, label: SENTIMENT_LABELS[s] }))}
            value={filter.sentiment}
            onChange={(v) => setFilter((f) => ({ ...f, sentiment: (v as Sentiment) ?? null }))}
          />
          <SegmentedControl
            value={filter.state ?? 'all'}
            onChange={(v) => setFilter((f) => ({ ...f, state: v === 'all' ? null : (v as 'partial' | 'complete') }))}
            data={[
              { value: 'all', label: 'All' },
              { value: 'complete', label: 'Complete' },
              { value: 'partial', label: 'Partial' },
            ]}
            aria-label="Complete or partial"
          />
          <Switch label="With text only" checked={filter.withText} onChange={(e) => {
              const withText = e.currentTarget.checked;
              setFilter((f) => ({ ...f, withText }));
            }} mb={8} />
        </Group>
        <Button variant="default" leftSection={<IconDownload size={16} />} onClick={() => download(`/surveys/${survey.id}/responses.csv`)}>
          Export CSV
        </Button>
      </Group>

      <Card p={0}>
        {responses.isPending ? (
          <LoadingBlock label="Loading responses" />
        ) : responses.isError ? (
          <Box p="md">
            <ErrorBlock error={responses.error} onRetry={() => void responses.refetch()} />
          </Box>
        ) : items.length === 0 ? (
          <Text fz="sm" c="dimmed" p="lg" ta="center">
            {filtered ? 'No responses match these filters.' : survey.state === 'draft' ? 'No responses yet: a draft takes no answers. Activate it on the Send tab.' : 'No responses yet.'}
          </Text>
        ) : (
          <Box px="md">
            {total !== undefined && (
              <Text fz="xs" c="dimmed" pt="sm" data-testid="responses-total">
                {n(total)} {total === 1 ? 'response' : 'responses'}
                {filtered ? ' match' : ''}
                {items.length < total ? `, ${n(items.length)} shown` : ''}
              </Text>
            )}
            <div role="list" aria-label="Responses">
              {items.map((r) => (
                <ResponseRow key={r.id} r={r} kind={survey.kind} />
              ))}
            </div>
            <LoadMore query={responses} />
          </Box>
        )}
      </Card>
    </Stack>
  );
}

function ResponseRow({ r, kind }: { r: ResponseItem; kind: SurveyKind }) {
  const language = r.textLanguage && r.textLanguage !== 'en' ? languageName(r.textLanguage) : null;
  const when = r.completedAt ?? r.startedAt;
  return (
    <Box className={classes.response} role="listitem" data-testid="response">
      <Group justify="space-between" gap="xs" wrap="nowrap" align="flex-start">
        <Group gap="sm" wrap="nowrap" align="flex-start" style={{ minWidth: 0 }}>
          <Box
            className={classes.score}
            bg={r.score === null ? 'gray.1' : bandColor(r.band) === 'yellow' ? 'yellow.5' : `${bandColor(r.band)}.6`}
            c={r.score === null ? 'dimmed' : 'white'}
            title={r.band ? bandLabel(r.band, kind) : undefined}
            data-testid="score"
          >
            {r.score === null ? '–' : r.score}
          </Box>
          <Stack gap={0} style={{ minWidth: 0 }}>
            {r.contact ? (
              <Anchor component={Link} to={`/contacts/${r.contact.id}`} fz="sm" fw={600} truncate="end">
                {r.contact.name || r.contact.email || 'A contact'}
              </Anchor>
            ) : (
              <Text fz="sm" fw={600} c="dimmed">
                Anonymous
              </Text>
            )}
            <Text fz="xs" c="dimmed">
              {r.contact?.name && r.contact.email ? `${r.contact.email} · ` : ''}
              {CHANNELS[r.channel]}
              {r.band ? ` · ${bandLabel(r.band, kind).replace(/ \(.*\)$/, '').toLowerCase()}` : ''}
            </Text>
          </Stack>
        </Group>
        <Stack gap={2} align="flex-end" style={{ flexShrink: 0 }}>
          <Text fz="xs" c="dimmed" title={formatDateTime(when)}>
            {fromNow(when)}
          </Text>
          {r.state === 'partial' && (
            <Badge color="yellow" size="sm" title="Stopped before the end: the answers given count">
              Partial
            </Badge>
          )}
        </Stack>
      </Group>
      {r.texts.length > 0 && (
        <Stack gap={6} mt={8} ml={{ base: 0, xs: 48 }}>
          {r.texts.map((t, i) => (
            <Text key={i} fz="sm" className={classes.quote}>
              {t}
            </Text>
          ))}
          <Group gap={6}>
            {r.sentiment && (
              <Badge color={SENTIMENT_COLORS[r.sentiment]} size="sm" data-testid="sentiment">
                {SENTIMENT_LABELS[r.sentiment]}
              </Badge>
            )}
            {language && (
              <Badge color="gray" variant="outline" size="sm">
                In {language}: not scored
              </Badge>
            )}
            {!r.sentiment && !language && r.textLanguage === 'und' && (
              <Badge color="gray" variant="outline" size="sm">
                Language not recognised: not scored
              </Badge>
            )}
          </Group>
        </Stack>
      )}
    </Box>
  );
}
