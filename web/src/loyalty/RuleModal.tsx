// Adding or changing an earning rule: points for orders (per 1.00 of one currency, with
// multipliers for categories, SKUs or products) or a fixed number of points each time an
// action happens; when the points can be used, how often a customer earns by the rule, and
// when its points expire.
import { ActionIcon, Alert, Autocomplete, Button, Checkbox, Group, Input, Modal, NumberInput, SegmentedControl, Select, SimpleGrid, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useForm, type UseFormReturnType } from '@mantine/form';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { CurrencySelect } from '../components/CurrencySelect.tsx';
import { applyFieldErrors, notifySuccess } from '../lib/notify.tsx';
import { useCatalogQuery } from '../segments/model.ts';
import { type LimitPeriod, type Rule, type RuleBody, useSaveRule } from './model.ts';
import { EXPIRY_LABELS, type ExpiryKind, fromBp, MATCH_LABELS, oneUnit, PERIOD_LABELS, toBp } from './words.ts';

type Match = Rule['multipliers'][number]['match'];
type Values = {
  name: string;
  kind: Rule['kind'];
  currency: string | null;
  pointsPerUnit: number | string;
  multipliers: { match: Match; value: string; times: number | string }[];
  eventName: string;
  points: number | string;
  pendingDays: number | string;
  limited: boolean;
  limitCount: number | string;
  limitPeriod: LimitPeriod;
  expiryKind: ExpiryKind;
  expiryDays: number | string;
  active: boolean;
};

function initialValues(rule: Rule | null, currency: string): Values {
  return {
    name: rule?.name ?? '',
    kind: rule?.kind ?? 'purchase',
    currency: rule?.currency ?? currency,
    pointsPerUnit: rule?.pointsPerUnit ?? 1,
    multipliers: (rule?.multipliers ?? []).map((m) => ({ match: m.match, value: m.value, times: fromBp(m.bp) })),
    eventName: rule?.kind === 'event' ? rule.eventName : '',
    points: rule?.points ?? '',
    pendingDays: rule?.pendingDays ?? 0,
    limited: rule?.limit != null,
    limitCount: rule?.limit?.count ?? 1,
    limitPeriod: rule?.limit?.period ?? 'day',
    expiryKind: (rule?.expiry.kind as ExpiryKind | undefined) ?? 'never',
    expiryDays: rule?.expiry.days ?? 365,
    active: rule?.active ?? true,
  };
}

/** The API's paths as the form's. */
function rename(path: string): string {
  const m = /^multipliers\.(\d+)\.bp$/.exec(path);
  if (m) return `multipliers.${m[1]}.times`;
  return ({ 'limit.count': 'limitCount', 'limit.period': 'limitPeriod', 'expiry.days': 'expiryDays', 'expiry.kind': 'expiryKind' } as Record<string, string>)[path] ?? path;
}

function bodyOf(v: Values): RuleBody {
  const purchase = v.kind === 'purchase';
  return {
    name: v.name.trim(),
    kind: v.kind,
    eventName: purchase ? 'purchase' : v.eventName.trim(),
    currency: purchase ? v.currency : null,
    pointsPerUnit: purchase && v.pointsPerUnit !== '' ? Number(v.pointsPerUnit) : null,
    multipliers: purchase ? v.multipliers.map((m) => ({ match: m.match, value: m.value.trim(), bp: toBp(m.times === '' ? 1 : m.times) })) : [],
    points: !purchase && v.points !== '' ? Number(v.points) : null,
    pendingDays: v.pendingDays === '' ? 0 : Number(v.pendingDays),
    limit: v.limited ? { count: Number(v.limitCount) || 0, period: v.limitPeriod } : null,
    expiry: v.expiryKind === 'after_days' ? { kind: 'after_days', days: Number(v.expiryDays) || 0 } : { kind: v.expiryKind },
    active: v.active,
  };
}

/** Events a rule can read: the shop's own and Rapport's, but never purchases (the purchase rule) or the program's own. */
const OWN = /^(purchase|refund|points\.|tier\.|coupon\.|reward\.)/;

export function RuleModal({ opened, rule, currency, onClose }: { opened: boolean; rule: Rule | null; currency: string; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={650}>{rule ? 'Change the earning rule' : 'New earning rule'}</Text>} size="lg">
      {opened && <RuleForm key={rule?.id ?? 'new'} rule={rule} currency={currency} onDone={onClose} />}
    </Modal>
  );
}

function RuleForm({ rule, currency, onDone }: { rule: Rule | null; currency: string; onDone: () => void }) {
  const form = useForm<Values>({
    initialValues: initialValues(rule, currency),
    validate: {
      name: (v) => (v.trim() ? null : 'Give the rule a name, like “Points for orders”'),
      currency: (v, all) => (all.kind === 'purchase' && !v ? 'Choose the currency whose orders earn' : null),
      pointsPerUnit: (v, all) => (all.kind === 'purchase' && !(Number(v) >= 1) ? 'Give 1 point or more' : null),
      eventName: (v, all) => (all.kind === 'event' && !v.trim() ? 'Choose the action' : null),
      points: (v, all) => (all.kind === 'event' && !(Number(v) >= 1) ? 'Give 1 point or more' : null),
    },
  });
  const [error, setError] = useState<string | null>(null);
  const save = useSaveRule();
  const catalog = useCatalogQuery();
  const events = (catalog.data?.events ?? []).map((e) => e.name).filter((n) => !OWN.test(n));
  const v = form.values;
  const submit = (values: Values) =>
    save.mutate(
      { id: rule?.id ?? null, body: bodyOf(values) },
      {
        onSuccess: (saved) => {
          notifySuccess(rule ? 'It counts from the next order or action on.' : 'Customers earn by it from now on.', `Rule “${saved.name}” saved`);
          onDone();
        },
        onError: (err) => setError(applyFieldErrors(form, err, rename)),
      },
    );
  return (
    <form noValidate onSubmit={form.onSubmit(submit)} data-testid="rule-form">
      <Stack gap="md">
        {error && (
          <Alert color="red" variant="light">
            {error}
          </Alert>
        )}
        <TextInput label="Name" placeholder="Points for orders" data-autofocus {...form.getInputProps('name')} />
        <Input.Wrapper label="Customers earn points" labelElement="div">
          <SegmentedControl
            mt={6}
            fullWidth
            aria-label="Customers earn points"
            data={[
              { value: 'purchase', label: 'For their orders' },
              { value: 'event', label: 'For an action' },
            ]}
            {...form.getInputProps('kind')}
          />
        </Input.Wrapper>
        {v.kind === 'purchase' ? (
          <>
            <SimpleGrid cols={{ base: 1, xs: 2 }}>
              <NumberInput
                label={`Points for every ${oneUnit(v.currency)} spent`}
                min={1}
                allowDecimal={false}
                allowNegative={false}
                {...form.getInputProps('pointsPerUnit')}
              />
              <CurrencySelect label="On orders in" {...form.getInputProps('currency')} />
            </SimpleGrid>
            <Text fz="xs" c="dimmed" mt={-6} data-testid="currency-note">
              Orders in another currency earn nothing by this rule: add a rule for each currency you sell in.
            </Text>
            <Multipliers form={form} />
          </>
        ) : (
          <SimpleGrid cols={{ base: 1, xs: 2 }}>
            <Autocomplete
              label="Each time this happens"
              description="An event your shop or Rapport records, like “Review Written”."
              placeholder="Review Written"
              data={events}
              {...form.getInputProps('eventName')}
            />
            <NumberInput label="Points" min={1} allowDecimal={false} allowNegative={false} {...form.getInputProps('points')} />
          </SimpleGrid>
        )}
        <NumberInput
          label="Points can be used after"
          description="Days to wait, such as your return period: points of an order refunded meanwhile are taken back before they can be spent. 0: at once."
          suffix=" days"
          min={0}
          max={365}
          allowDecimal={false}
          allowNegative={false}
          maw={460}
          {...form.getInputProps('pendingDays')}
        />
        <div>
          <Checkbox label="Limit how often a customer earns by this rule" {...form.getInputProps('limited', { type: 'checkbox' })} />
          {v.limited && (
            <Group gap="sm" mt="xs" align="flex-start">
              <NumberInput aria-label="At most" prefix="At most " suffix=" times" min={1} allowDecimal={false} allowNegative={false} w={180} {...form.getInputProps('limitCount')} />
              <Select
                aria-label="Per"
                w={180}
                allowDeselect={false}
                data={(Object.keys(PERIOD_LABELS) as LimitPeriod[]).map((p) => ({ value: p, label: PERIOD_LABELS[p] }))}
                {...form.getInputProps('limitPeriod')}
              />
            </Group>
          )}
        </div>
        <Group gap="sm" align="flex-start">
          <Select
            label="The points expire"
            w={{ base: '100%', xs: 340 }}
            allowDeselect={false}
            data={(Object.keys(EXPIRY_LABELS) as ExpiryKind[]).map((k) => ({ value: k, label: EXPIRY_LABELS[k] }))}
            {...form.getInputProps('expiryKind')}
          />
          {v.expiryKind === 'after_days' && (
            <NumberInput label="Days after they are earned" suffix=" days" min={1} max={3650} allowDecimal={false} allowNegative={false} w={200} {...form.getInputProps('expiryDays')} />
          )}
        </Group>
        <Switch label="The rule is on" description="Switched off, it gives no points; points already earned stay." {...form.getInputProps('active', { type: 'checkbox' })} />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            {rule ? 'Save rule' : 'Add rule'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function Multipliers({ form }: { form: UseFormReturnType<Values> }) {
  const rows = form.values.multipliers;
  return (
    <Input.Wrapper
      label="More or fewer points for some items"
      description="An item of a category, SKU or product earns its points times the multiplier (×2 double, ×0.5 half); an item takes its highest. The rest of an order (shipping, an order without items) counts ×1."
      labelElement="div"
    >
      <Stack gap="xs" mt="xs">
        {rows.map((_, i) => (
          <Group key={i} gap="xs" wrap="nowrap" align="flex-start" data-testid="multiplier-row">
            <Select
              aria-label="Items by"
              w={130}
              style={{ flexShrink: 0 }}
              allowDeselect={false}
              data={(Object.keys(MATCH_LABELS) as Match[]).map((m) => ({ value: m, label: MATCH_LABELS[m] }))}
              {...form.getInputProps(`multipliers.${i}.match`)}
            />
            <TextInput aria-label="Value" placeholder="coffee" style={{ flex: 1, minWidth: 0 }} {...form.getInputProps(`multipliers.${i}.value`)} />
            <NumberInput aria-label="Multiplier" prefix="×" min={0} max={10} decimalScale={4} allowNegative={false} w={90} style={{ flexShrink: 0 }} {...form.getInputProps(`multipliers.${i}.times`)} />
            <ActionIcon variant="subtle" color="gray" size={36} aria-label="Remove this multiplier" onClick={() => form.removeListItem('multipliers', i)}>
              <IconTrash size={16} />
            </ActionIcon>
          </Group>
        ))}
        <Button variant="subtle" size="xs" leftSection={<IconPlus size={14} />} style={{ alignSelf: 'flex-start' }} onClick={() => form.insertListItem('multipliers', { match: 'category', value: '', times: 2 })}>
          Add a multiplier
        </Button>
      </Stack>
    </Input.Wrapper>
  );
}
