// The customers most worth saving: repeat buyers whose chance of still being a customer has
// fallen into a middle band (not gone yet, no longer safe), the most valuable first, with
// what they would bring if kept. The band and the currency live in the URL; the list downloads
// as CSV and becomes a segment from the template "Valuable and slipping away".
import { Alert, Anchor, Box, Button, Card, Group, Input, RangeSlider, Stack, Text, Tooltip } from '@mantine/core';
import { IconAlertTriangle, IconArrowDownRight, IconArrowUpRight, IconChartPie } from '@tabler/icons-react';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { HEALTH_DEFINITION } from '../../../src/retention/definitions.ts';
import { toMajorUnits } from '../../../src/shared/money.ts';
import { formatDateTime, fromNow } from '../lib/format.ts';
import { roleAtLeast } from '../lib/roles.ts';
import { useWorkspace } from '../lib/session.ts';
import { CurrencyPicker } from '../reports/CurrencyPicker.tsx';
import { count, DASH, money } from '../reports/format.ts';
import { CsvButton, DataTable, Formula, QueryBody, ReportCard } from '../reports/parts.tsx';
import { useUrlState } from '../reports/url.ts';
import { useTemplatesQuery } from '../segments/model.ts';
import { type AtRiskCustomer, type AtRiskResult, atRiskCsvHref, atRiskQueryString, useAtRiskQuery } from './model.ts';
import { useRetention } from './RetentionPage.tsx';
import { chanceChange, expectedOrders, percent } from './words.ts';

const DEFAULTS = { currency: '', min: '20', max: '70' };

/** A large amount in whole units of its currency, for a headline: "£22,171". */
function moneyWhole(minor: number, currency: string): string {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency, maximumFractionDigits: 0, minimumFractionDigits: 0 }).format(toMajorUnits(minor, currency));
  } catch {
    return money(minor, currency);
  }
}
const TEMPLATE = 'valuable_slipping_away';
const SHOWN = 100;

/** A percentage of the URL (0–100, whole), or its default when it is not one. */
const share = (text: string, fallback: number) => {
  const n = Number(text);
  return Number.isInteger(n) && n >= 0 && n <= 100 ? n : fallback;
};

export function AtRiskTab() {
  const { current, overview } = useRetention();
  const [s, set] = useUrlState(DEFAULTS);
  let min = share(s.min, 20);
  let max = share(s.max, 70);
  if (min >= max) [min, max] = [20, 70];
  const qs = atRiskQueryString({ currency: s.currency || undefined, min: min / 100, max: max / 100, limit: SHOWN });
  const csv = atRiskCsvHref(atRiskQueryString({ currency: s.currency || undefined, min: min / 100, max: max / 100, limit: 1000 }));
  const query = useAtRiskQuery(qs, current.id);
  const verdict = current.result.verdict;
  return (
    <Stack gap="lg">
      {(verdict === 'too_little_data' || verdict === 'poor') && (
        <Alert color={verdict === 'poor' ? 'orange' : 'gray'} variant="light" icon={<IconAlertTriangle size={18} />} data-testid="at-risk-caution">
          {current.result.verdictText}{' '}
          <Anchor component={Link} to="/retention/quality" fz="inherit">
            See how the models were checked
          </Anchor>
          .
        </Alert>
      )}
      <QueryBody query={query} label="Loading the customers at risk">
        {(r) => (
          <>
            <Summary r={r} horizonMonths={overview.settings.horizonMonths} />
            <ReportCard
              testId="at-risk"
              title="Customers slipping away"
              description={`Customers who ordered at least twice and whose chance of still being a customer is between ${min}% and ${max}%, the most valuable first.${r.scoredAt ? ` Scored ${fromNow(r.scoredAt)}.` : ''}`}
              actions={<CsvButton href={csv} />}
            >
              <Controls r={r} min={min} max={max} onBand={(lo, hi) => set({ min: String(lo), max: String(hi) })} onCurrency={(currency) => set({ currency })} />
              {r.customers.length === 0 ? (
                <Text c="dimmed" fz="sm" mt="md" data-testid="at-risk-empty">
                  {verdict === 'too_little_data'
                    ? 'Nobody is listed until there is enough order history to trust the models.'
                    : `No customer who ordered twice or more has a chance between ${min}% and ${max}% right now. Widen the band to see more.`}
                </Text>
              ) : (
                <CustomersTable r={r} />
              )}
              {r.total.customers > r.customers.length && (
                <Text fz="xs" c="dimmed" mt="xs">
                  The {count(r.customers.length)} most valuable of {count(r.total.customers)} are listed; the CSV has up to 1,000.
                </Text>
              )}
              <Formula label="Chance still a customer">
                The probability that the customer has not stopped buying from you, from how many times they ordered and how long it has been since their last order compared with
                how often they used to order (by the model that predicted your own orders best, checked in Model quality). The arrow shows the change since the fit before.
              </Formula>
              <Formula label="Orders expected in 90 days">How many times the customer is expected to order in the next 90 days (counting days with orders).</Formula>
              <Formula label="Value if kept">
                What the customer is expected to spend in the next {overview.settings.horizonMonths} months if they stay a customer, discounted at {Math.round(overview.settings.discountRate * 100)}% a year: their predicted
                lifetime value ÷ their chance of still being a customer.
              </Formula>
              <Formula label="Health">{HEALTH_DEFINITION}</Formula>
            </ReportCard>
          </>
        )}
      </QueryBody>
    </Stack>
  );
}

/** "312 valuable customers are slipping away, worth £48,200 if kept." */
function Summary({ r, horizonMonths }: { r: AtRiskResult; horizonMonths: number }) {
  const canCreate = roleAtLeast(useWorkspace().role, 'marketer');
  const templates = useTemplatesQuery(canCreate);
  const template = templates.data?.items.find((t) => t.key === TEMPLATE);
  const navigate = useNavigate();
  const n = r.total.customers;
  return (
    <Card data-testid="at-risk-summary">
      <Group justify="space-between" align="center" gap="md" style={{ rowGap: 'var(--mantine-spacing-sm)' }}>
        <Box style={{ flex: '1 1 320px', minWidth: 0 }}>
          <Text fz="lg" fw={650} lh={1.35}>
            {n === 0
              ? 'No valuable customer is slipping away right now.'
              : `${count(n)} valuable ${n === 1 ? 'customer is' : 'customers are'} slipping away${r.currency && r.total.valueIfKept > 0 ? `, worth ${moneyWhole(r.total.valueIfKept, r.currency)} if kept` : ''}.`}
          </Text>
          <Text fz="sm" c="dimmed" mt={4}>
            {n === 0
              ? 'Rapport checks again after every fit of the models.'
              : `What they would spend in the next ${horizonMonths} months if they stayed. A win-back email or offer now costs less than winning them back once they are gone.`}
          </Text>
        </Box>
        {template && (
          <Tooltip label={template.description} multiline w={320}>
            <Button variant="light" leftSection={<IconChartPie size={16} />} onClick={() => navigate(`/segments/new?template=${TEMPLATE}`)} data-testid="make-segment">
              Make a segment of them
            </Button>
          </Tooltip>
        )}
      </Group>
    </Card>
  );
}

function Controls({ r, min, max, onBand, onCurrency }: { r: AtRiskResult; min: number; max: number; onBand: (min: number, max: number) => void; onCurrency: (c: string) => void }) {
  // The slider moves freely; the list follows when it is let go.
  const [band, setBand] = useState<[number, number]>([min, max]);
  const [bandOf, setBandOf] = useState(`${min}-${max}`);
  if (bandOf !== `${min}-${max}`) {
    setBandOf(`${min}-${max}`);
    setBand([min, max]);
  }
  return (
    <Group gap="xl" align="flex-end" mb="xs" style={{ rowGap: 'var(--mantine-spacing-md)' }}>
      <Input.Wrapper label="Chance still a customer" description={`Between ${band[0]}% and ${band[1]}%`} style={{ flex: '1 1 240px', maxWidth: 420 }}>
        <RangeSlider
          mt="xs"
          mb="md"
          min={0}
          max={100}
          step={5}
          minRange={5}
          value={band}
          onChange={setBand}
          onChangeEnd={([lo, hi]) => onBand(lo, hi)}
          label={(v) => `${v}%`}
          thumbFromLabel="Lowest chance"
          thumbToLabel="Highest chance"
          marks={[
            { value: 0, label: '0%' },
            { value: 50, label: '50%' },
            { value: 100, label: '100%' },
          ]}
          data-testid="band"
        />
      </Input.Wrapper>
      {r.currencies.length > 1 && r.currency && (
        <Input.Wrapper label="Value in" labelElement="div">
          <CurrencyPicker currencies={r.currencies} value={r.currency} onChange={onCurrency} size="sm" />
        </Input.Wrapper>
      )}
    </Group>
  );
}

function CustomersTable({ r }: { r: AtRiskResult }) {
  const currency = r.currency ?? '';
  return (
    <DataTable
      label="Customers slipping away"
      minWidth={860}
      maxHeight={640}
      // What matters most first: on a phone they are what shows before the table scrolls.
      head={['Customer', wrap('Chance still a customer'), 'Value if kept', 'Last order', 'Orders', wrap('Orders expected in 90 days'), 'Health']}
      rows={r.customers.map((c) => [
        <Customer c={c} />,
        <Chance c={c} />,
        c.valueIfKept === null ? DASH : money(c.valueIfKept, currency),
        c.lastOrderAt ? (
          <Tooltip label={formatDateTime(c.lastOrderAt)}>
            <span>{fromNow(c.lastOrderAt)}</span>
          </Tooltip>
        ) : (
          DASH
        ),
        count(c.orders),
        expectedOrders(c.expectedPurchases90),
        c.health === null ? DASH : <Health value={c.health} />,
      ])}
    />
  );
}

/** A long column title on two lines, so that the table fits a laptop's width. */
const wrap = (title: string) => (
  <Box component="span" display="inline-block" maw={120} style={{ whiteSpace: 'normal' }}>
    {title}
  </Box>
);

function Customer({ c }: { c: AtRiskCustomer }) {
  return (
    <Stack gap={0} maw={{ base: 150, sm: 240 }}>
      <Anchor component={Link} to={`/contacts/${c.contactId}`} fz="sm" fw={600} truncate="end">
        {c.name ?? c.email ?? 'Unnamed customer'}
      </Anchor>
      {c.name && c.email && (
        <Text fz="xs" c="dimmed" truncate="end">
          {c.email}
        </Text>
      )}
    </Stack>
  );
}

/** "48%" with an arrow: down (red) when it fell since the fit before, up (teal) when it rose. */
export function Chance({ c }: { c: Pick<AtRiskCustomer, 'pAlive' | 'pAliveBefore'> }) {
  const change = chanceChange(c.pAlive, c.pAliveBefore);
  const Arrow = change === null ? null : change < 0 ? IconArrowDownRight : IconArrowUpRight;
  const label = change === null ? 'About the same as at the fit before' : `${change < 0 ? 'Down' : 'Up'} from ${percent(c.pAliveBefore)} at the fit before`;
  return (
    <Tooltip label={c.pAliveBefore === null || c.pAliveBefore === undefined ? 'First fit: nothing to compare with yet' : label}>
      <Group gap={4} justify="flex-end" wrap="nowrap" data-testid="chance">
        {Arrow && <Arrow size={15} stroke={2} color={`var(--mantine-color-${change! < 0 ? 'red' : 'teal'}-6)`} aria-hidden />}
        <Text span fz="sm" fw={600}>
          {percent(c.pAlive)}
        </Text>
      </Group>
    </Tooltip>
  );
}

export function Health({ value }: { value: number }) {
  const color = value >= 70 ? 'teal' : value >= 40 ? 'orange' : 'red';
  return (
    <Group gap={6} justify="flex-end" wrap="nowrap">
      <Box w={8} h={8} style={{ borderRadius: 4, background: `var(--mantine-color-${color}-6)` }} aria-hidden />
      <Text span fz="sm">
        {value}
      </Text>
    </Group>
  );
}
