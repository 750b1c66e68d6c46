// A condition on the contact's orders: "Total spent in GBP is at least £10.00", "Number of
// orders is at least 3", "Last order is more than 90 days ago". Amounts are typed as money in
// the chosen currency and kept in its minor units (1000 = £10.00), exactly as stored.
import { Group, NumberInput, Select } from '@mantine/core';
import { currencyExponent, toMinorUnits } from '../../../src/shared/money.ts';
import type { DraftPurchases, DraftValue } from './draft.ts';
import {
  FIELD_OP_LABELS,
  type FieldOp,
  MONEY_METRICS,
  PURCHASE_METRIC_LABELS,
  PURCHASE_OPS,
  type PurchaseMetric,
  purchaseMetricType,
} from '../../../src/segments/vocabulary.ts';
import { ValueInput, valueFor } from './ValueInput.tsx';

const METRIC_GROUPS: { group: string; items: PurchaseMetric[] }[] = [
  { group: 'How many', items: ['orders', 'items', 'refunds'] },
  { group: 'How much', items: ['spent', 'net_spent', 'average_order', 'refunded'] },
  { group: 'When', items: ['last_order', 'first_order'] },
  // The retention models' predictions, in the currency most of the contact's orders are in.
  { group: 'Predicted', items: ['clv', 'expected_order_value'] },
];

export function PurchaseConditionEditor({ condition: c, onChange, currencies }: { condition: DraftPurchases; onChange: (c: DraftPurchases) => void; currencies: string[] }) {
  const type = purchaseMetricType(c.metric);
  const money = MONEY_METRICS.includes(c.metric);
  const ops: readonly FieldOp[] = PURCHASE_OPS[type];
  const known = currencies.includes(c.currency) || c.currency === '' ? currencies : [c.currency, ...currencies];
  const currencyData = [...(money ? [] : [{ value: '', label: 'in any currency' }]), ...known.map((code) => ({ value: code, label: `in ${code}` }))];

  const setMetric = (metric: PurchaseMetric) => {
    const nextType = purchaseMetricType(metric);
    const nextMoney = MONEY_METRICS.includes(metric);
    const op: FieldOp = nextType === type && ops.includes(c.op as FieldOp) ? (c.op as FieldOp) : nextType === 'date' ? 'more_than_days_ago' : 'gte';
    // Amounts are comparable only within one currency: money needs one, counts may take any.
    const currency = nextMoney && c.currency === '' ? (currencies[0] ?? 'USD') : c.currency;
    const keep = nextType === type && nextMoney === money;
    onChange({ ...c, metric, currency, op, value: keep ? c.value : nextType === 'date' ? 30 : nextMoney ? undefined : 1 });
  };

  return (
    <Group gap="xs" align="flex-start">
      <Select
        aria-label="Figure"
        w={210}
        data={METRIC_GROUPS.map((g) => ({ group: g.group, items: g.items.map((m) => ({ value: m, label: PURCHASE_METRIC_LABELS[m] })) }))}
        value={c.metric}
        onChange={(m) => m && setMetric(m as PurchaseMetric)}
      />
      <Select
        aria-label="Currency"
        w={150}
        data={currencyData}
        value={c.currency}
        searchable
        onChange={(v) => onChange({ ...c, currency: v ?? '' })}
      />
      <Select
        aria-label="Operator"
        w={type === 'date' ? 250 : 160}
        data={ops.map((o) => ({ value: o, label: FIELD_OP_LABELS[o] }))}
        value={c.op}
        onChange={(op) => onChange({ ...c, op: op as FieldOp, value: valueFor(type, op as FieldOp, c.op, c.value) })}
      />
      {type === 'date' ? (
        <ValueInput type="date" op={c.op} value={c.value} onChange={(value) => onChange({ ...c, value })} />
      ) : c.op === 'between' ? (
        <Group gap={6} wrap="nowrap">
          <AmountInput money={money} currency={c.currency} value={pairAt(c.value, 0)} onChange={(v) => onChange({ ...c, value: [v, pairAt(c.value, 1)] })} label="From" />
          <AmountInput money={money} currency={c.currency} value={pairAt(c.value, 1)} onChange={(v) => onChange({ ...c, value: [pairAt(c.value, 0), v] })} label="To" />
        </Group>
      ) : (
        <AmountInput money={money} currency={c.currency} value={typeof c.value === 'number' ? c.value : null} onChange={(value) => onChange({ ...c, value })} label="Value" />
      )}
    </Group>
  );
}

const pairAt = (v: DraftValue, i: 0 | 1): number | null => (Array.isArray(v) && typeof v[i] === 'number' ? (v[i] as number) : null);

/** A count, or an amount typed in major units ("10.50") and kept in minor units (1050). */
function AmountInput({ money, currency, value, onChange, label }: { money: boolean; currency: string; value: number | null; onChange: (v: number | null) => void; label: string }) {
  if (!money) {
    return (
      <NumberInput aria-label={label} w={110} min={0} allowDecimal={false} allowNegative={false} value={value ?? ''} onChange={(v) => onChange(v === '' ? null : Number(v))} />
    );
  }
  const exponent = currencyExponent(currency) ?? 2;
  return (
    <NumberInput
      aria-label={`${label} in ${currency}`}
      w={150}
      leftSection={<span style={{ fontSize: 12, color: 'var(--mantine-color-dimmed)' }}>{currency}</span>}
      leftSectionWidth={44}
      decimalScale={exponent}
      allowDecimal={exponent > 0}
      thousandSeparator=","
      value={value === null ? '' : value / 10 ** exponent}
      onChange={(v) => {
        if (v === '' || v === '-') return onChange(null);
        const minor = toMinorUnits(typeof v === 'number' ? v : String(v).replace(/,/g, ''), currency);
        onChange(minor.ok ? minor.value : null);
      }}
    />
  );
}
