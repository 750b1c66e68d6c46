// What the retention models predict of a customer, under their orders: in one sentence whether
// they are probably still a customer and how often they should buy in the next 90 days, then
// their predicted value, expected order, health (its definition on hover) and RFM scores.
// Nothing for a contact the models never scored.
import { ActionIcon, Anchor, Box, Card, Group, SimpleGrid, Stack, Text, ThemeIcon, Tooltip } from '@mantine/core';
import { IconActivityHeartbeat, IconArrowDownRight, IconArrowUpRight, IconHelpCircle } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { HEALTH_DEFINITION } from '../../../src/retention/definitions.ts';
import { formatDateTime, fromNow } from '../lib/format.ts';
import { useRetentionSettingsQuery } from '../retention/model.ts';
import { chanceChange, chanceColor, chanceWords, percent, times } from '../retention/words.ts';
import { formatMoney } from './format.ts';
import type { PurchaseSummary } from './model.ts';

type Scores = NonNullable<PurchaseSummary['scores']>;

const RFM_HELP =
  'RFM scores rank your customers in fifths, 1 (lowest) to 5 (highest): R, how recently they last ordered; F, how often they ordered; M, how much they spent in all.';

/**
 * `orders`: how many orders they placed. A customer who ordered once has a chance of 100% by
 * the model's own rule (nothing yet tells it they stopped): that is said as it is, too early to tell.
 */
export function ScoresCard({ scores: s, orders }: { scores: Scores; orders: number }) {
  const settings = useRetentionSettingsQuery();
  const horizon = settings.data?.horizonMonths ?? 12;
  const change = s.pAlive === null ? null : chanceChange(s.pAlive, s.pAliveBefore);
  const money = (minor: number | null) => (minor === null || !s.currency ? '—' : (formatMoney(minor, s.currency) ?? '—'));
  return (
    <Card aria-label="Predictions" data-testid="contact-scores">
      <Group gap="sm" wrap="nowrap" align="flex-start">
        <ThemeIcon variant="light" color={s.pAlive === null ? 'gray' : chanceColor(s.pAlive)} radius="xl" size={32} style={{ flexShrink: 0 }}>
          <IconActivityHeartbeat size={17} stroke={1.7} />
        </ThemeIcon>
        <Box style={{ minWidth: 0 }}>
          <Text fz="md" fw={600} lh={1.45} data-testid="scores-sentence">
            {sentence(s, orders)}
          </Text>
          <Text fz="xs" c="dimmed" mt={2}>
            {change !== null && (
              <Text span fz="xs" c={change < 0 ? 'red.7' : 'teal.7'} fw={500}>
                {change < 0 ? <IconArrowDownRight size={12} style={{ verticalAlign: -1 }} /> : <IconArrowUpRight size={12} style={{ verticalAlign: -1 }} />}{' '}
                {change < 0 ? 'Down' : 'Up'} from {percent(s.pAliveBefore)} at the fit before ·{' '}
              </Text>
            )}
            <Tooltip label={formatDateTime(s.scoredAt)}>
              <span>Predicted {fromNow(s.scoredAt)} from their orders</span>
            </Tooltip>{' '}
            ·{' '}
            <Anchor component={Link} to="/retention/quality" fz="xs">
              how reliable?
            </Anchor>
          </Text>
        </Box>
      </Group>
      {/* By the card's own width: four figures in a row on a laptop, two by two on a phone. */}
      <Box mt="md">
        <SimpleGrid type="container" cols={{ base: 2, '460px': 4 }} spacing={{ base: 'md', '920px': 'lg' }} verticalSpacing="md">
          <Stat label="Lifetime value" sub={`next ${horizon} months`} testId="clv" help={`What they are expected to spend in the next ${horizon} months, counting the chance that they stop, in today’s money.`}>
            {money(s.clv)}
          </Stat>
          <Stat label="Expected order" testId="expected-order" help="What their next order is expected to come to, from their own orders and those of customers like them.">
            {money(s.expectedOrderValue)}
          </Stat>
          <Stat label="Health" testId="health" help={HEALTH_DEFINITION}>
            {s.health === null ? '—' : `${s.health} / 100`}
          </Stat>
          <Stat label="RFM" testId="rfm" help={RFM_HELP}>
            <Group gap={8} wrap="nowrap">
              <Rfm letter="R" value={s.rfm.recency} />
              <Rfm letter="F" value={s.rfm.frequency} />
              <Rfm letter="M" value={s.rfm.monetary} />
            </Group>
          </Stat>
        </SimpleGrid>
      </Box>
    </Card>
  );
}

function sentence(s: Scores, orders: number): string {
  if (s.pAlive === null) return 'Not enough order history yet to predict.';
  const expected = s.expectedPurchases90 === null ? '' : ` Expected to buy ${times(s.expectedPurchases90)} in the next 90 days.`;
  if (orders <= 1 && s.pAlive >= 0.9999) return `Bought once so far: too early to tell whether they will come back.${expected}`;
  return `${chanceWords(s.pAlive)}: ${percent(s.pAlive)}.${expected}`;
}

function Stat({ label, sub, testId, help, children }: { label: string; sub?: string; testId: string; help: string; children: ReactNode }) {
  return (
    <Stack gap={2} data-testid={`score-${testId}`} style={{ minWidth: 0 }}>
      <Group gap={4} wrap="nowrap">
        <Text fz={11} c="dimmed" fw={600} tt="uppercase" lts="0.04em">
          {label}
        </Text>
        <Tooltip label={help} multiline w={300} events={{ hover: true, focus: true, touch: true }}>
          <ActionIcon variant="transparent" color="gray" size={16} aria-label={`What is ${label.toLowerCase()}?`}>
            <IconHelpCircle size={14} stroke={1.7} />
          </ActionIcon>
        </Tooltip>
      </Group>
      <Box fz="lg" fw={650} lh={1.3} style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
        {children}
      </Box>
      {sub && (
        <Text fz="xs" c="dimmed">
          {sub}
        </Text>
      )}
    </Stack>
  );
}

function Rfm({ letter, value }: { letter: string; value: number | null }) {
  return (
    <Text span fz="lg" fw={650}>
      <Text span fz="xs" c="dimmed" fw={600} mr={2}>
        {letter}
      </Text>
      {value ?? '–'}
    </Text>
  );
}
