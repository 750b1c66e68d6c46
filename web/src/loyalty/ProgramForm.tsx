// The program's settings, as the first-run form ("Set up your points program") and the Settings
// tab: its name, what a refund does to points, expiry after inactivity, how tiers are reached
// and left, what a point is worth (for the liability in money) and from when orders earn.
import { Alert, Button, Group, Input, NumberInput, Radio, SegmentedControl, SimpleGrid, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useMediaQuery } from '@mantine/hooks';
import { type ReactNode, useState } from 'react';
import { currencyExponent } from '../../../src/shared/money.ts';
import { CurrencySelect } from '../components/CurrencySelect.tsx';
import { applyFieldErrors } from '../lib/notify.tsx';
import { type Program, type ProgramBody, useSaveProgram } from './model.ts';
import { BASIS_LABELS, DOWNGRADE_LABELS, REFUND_LABELS, WINDOW_LABELS } from './words.ts';

type Values = {
  name: string;
  active: boolean;
  refundPolicy: Program['refundPolicy'];
  inactivityDays: number | string;
  tierBasis: Program['tierBasis'];
  tierCurrency: string | null;
  tierWindow: Program['tierWindow'];
  downgrade: Program['downgrade'];
  /** What one point is worth, in major units as typed (0.01 is a cent). */
  pointValue: number | string;
  pointCurrency: string | null;
  /** A day, yyyy-mm-dd, in the browser's time zone. */
  earnFrom: string;
};

const pad = (n: number) => String(n).padStart(2, '0');
/** A moment as the day it falls on here ("2026-03-05"). */
export const localDay = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
/** The start of a day here, as an ISO moment. */
const startOfDay = (day: string) => new Date(`${day}T00:00:00`).toISOString();

/** Long descriptions under the field, so that fields side by side stay in line. */
const BELOW: ('label' | 'input' | 'description' | 'error')[] = ['label', 'input', 'description', 'error'];

const RENAME: Record<string, keyof Values> = { 'pointValue.minor': 'pointValue', 'pointValue.currency': 'pointCurrency', state: 'active' };

function initialValues(program: Program | null, currency: string): Values {
  const exp = program?.pointValue ? (currencyExponent(program.pointValue.currency) ?? 2) : 2;
  return {
    name: program?.name ?? 'Rewards',
    active: (program?.state ?? 'active') === 'active',
    refundPolicy: program?.refundPolicy ?? 'negative',
    inactivityDays: program?.inactivityDays ?? '',
    tierBasis: program?.tierBasis ?? 'points',
    tierCurrency: program?.tierCurrency ?? currency,
    tierWindow: program?.tierWindow ?? 'lifetime',
    downgrade: program?.downgrade ?? 'period_end',
    pointValue: program?.pointValue ? Number((program.pointValue.minor / 10 ** exp).toPrecision(12)) : '',
    pointCurrency: program?.pointValue?.currency ?? currency,
    earnFrom: localDay(program ? new Date(program.earnFrom) : new Date()),
  };
}

export function ProgramForm({ program, currency, canEdit, onSaved }: { program: Program | null; currency: string; canEdit: boolean; onSaved: (p: Program) => void }) {
  const initial = initialValues(program, currency);
  const form = useForm<Values>({
    initialValues: initial,
    validate: {
      name: (v) => (v.trim() ? null : 'Give the program a name'),
      tierCurrency: (v, all) => (all.tierBasis === 'spend' && !v ? 'Choose the currency whose spending counts' : null),
      pointCurrency: (v, all) => (all.pointValue !== '' && !v ? 'Choose the currency of the value' : null),
      earnFrom: (v) => (/^\d{4}-\d\d-\d\d$/.test(v) ? null : 'Choose a day'),
    },
  });
  const [error, setError] = useState<string | null>(null);
  const save = useSaveProgram();
  const submit = (v: Values) => {
    const exp = v.pointCurrency ? (currencyExponent(v.pointCurrency) ?? 2) : 2;
    const body: ProgramBody = {
      name: v.name.trim(),
      state: v.active ? 'active' : 'paused',
      refundPolicy: v.refundPolicy,
      inactivityDays: v.inactivityDays === '' ? null : Number(v.inactivityDays),
      tierBasis: v.tierBasis,
      tierCurrency: v.tierBasis === 'spend' ? v.tierCurrency : null,
      tierWindow: v.tierWindow,
      downgrade: v.downgrade,
      pointValue: v.pointValue === '' || !v.pointCurrency ? null : { minor: Number((Number(v.pointValue) * 10 ** exp).toPrecision(12)), currency: v.pointCurrency },
      // Sent only when chosen here: saving other settings leaves the moment as it was.
      ...(v.earnFrom !== initial.earnFrom || !program ? { earnFrom: startOfDay(v.earnFrom) } : {}),
    };
    // mutateAsync, not mutate's callbacks: the first-run form is gone once the program exists
    // (the page shows its tabs), and what follows the save must still happen.
    void save.mutateAsync(body).then(
      (p) => {
        setError(null);
        onSaved(p);
      },
      (err: unknown) => setError(applyFieldErrors(form, err, (path) => RENAME[path] ?? path)),
    );
  };
  const disabled = !canEdit;
  const phone = useMediaQuery('(max-width: 36em)');
  return (
    <form noValidate onSubmit={form.onSubmit(submit)} data-testid="program-form">
      <Stack gap="lg">
        {!canEdit && (
          <Text fz="sm" c="dimmed">
            Only admins and owners can change the program.
          </Text>
        )}
        {error && (
          <Alert color="red" variant="light">
            {error}
          </Alert>
        )}
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg" verticalSpacing="lg">
          <TextInput label="Name of the program" description="As customers read it in your emails, like “Bean Points”." inputWrapperOrder={BELOW} disabled={disabled} {...form.getInputProps('name')} />
          <TextInput
            type="date"
            label="Give points for orders since"
            description="Orders dated from the start of this day earn points, as Rapport receives them once the program and its rules are set up. Orders already here earn nothing."
            inputWrapperOrder={BELOW}
            disabled={disabled}
            {...form.getInputProps('earnFrom')}
          />
        </SimpleGrid>
        {program && (
          <Switch
            label="The program is running"
            description="While it is paused no points are earned, and orders received meanwhile never earn them. Points already earned stay."
            disabled={disabled}
            {...form.getInputProps('active', { type: 'checkbox' })}
          />
        )}

        <Section title="When an order is refunded">
          <Radio.Group aria-label="When an order is refunded" {...form.getInputProps('refundPolicy')}>
            <Stack gap="sm">
              {(['negative', 'cap'] as const).map((p) => (
                <Radio key={p} value={p} label={REFUND_LABELS[p].label} description={REFUND_LABELS[p].description} disabled={disabled} />
              ))}
            </Stack>
          </Radio.Group>
        </Section>

        <Section title="Expiry">
          <NumberInput
            label="Points expire after this many days without activity"
            description="Earning or spending points is activity. Leave it empty and points expire only as each earning rule says."
            placeholder="Never for inactivity"
            suffix=" days"
            min={1}
            max={3650}
            allowDecimal={false}
            allowNegative={false}
            maw={420}
            disabled={disabled}
            {...form.getInputProps('inactivityDays')}
          />
        </Section>

        <Section title="Tiers" description="Members reach a tier by what they earned or spent; the tiers themselves are set in the Tiers tab.">
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg">
            <Input.Wrapper label="Reached by" labelElement="div">
              <SegmentedControl
                mt={6}
                fullWidth
                aria-label="Tiers reached by"
                disabled={disabled}
                data={(['points', 'spend'] as const).map((b) => ({ value: b, label: BASIS_LABELS[b] }))}
                {...form.getInputProps('tierBasis')}
              />
            </Input.Wrapper>
            {form.values.tierBasis === 'spend' && (
              <CurrencySelect
                label="Spending in"
                description="Only orders in this currency count: amounts in different currencies are never added."
                disabled={disabled}
                {...form.getInputProps('tierCurrency')}
              />
            )}
          </SimpleGrid>
          <Input.Wrapper label="Counted over" labelElement="div" mt="md">
            <SegmentedControl
              mt={6}
              aria-label="Counted over"
              disabled={disabled}
              fullWidth
              orientation={phone ? 'vertical' : 'horizontal'}
              data={(['lifetime', 'year', 'rolling_12'] as const).map((w) => ({ value: w, label: WINDOW_LABELS[w] }))}
              {...form.getInputProps('tierWindow')}
            />
          </Input.Wrapper>
          {form.values.tierWindow === 'lifetime' ? (
            <Text fz="sm" c="dimmed" mt="sm">
              Counted since they joined, what a member earned or spent never goes down: once in a tier, they stay.
            </Text>
          ) : (
            <Radio.Group label="When members earn or spend less" mt="md" {...form.getInputProps('downgrade')}>
              <Stack gap="sm" mt={6}>
                {(['never', 'period_end', 'one_step'] as const).map((d) => (
                  <Radio key={d} value={d} label={DOWNGRADE_LABELS[d].label} description={DOWNGRADE_LABELS[d].description} disabled={disabled} />
                ))}
              </Stack>
            </Radio.Group>
          )}
        </Section>

        <Section title="What a point is worth" description="Optional. With it, the overview shows the points your members hold as money owed.">
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg">
            <NumberInput label="One point is worth" placeholder="Not set" min={0} decimalScale={6} allowNegative={false} disabled={disabled} {...form.getInputProps('pointValue')} />
            <CurrencySelect label="Currency" disabled={disabled} {...form.getInputProps('pointCurrency')} />
          </SimpleGrid>
        </Section>

        {canEdit && (
          <Group justify="flex-end">
            <Button type="submit" loading={save.isPending} data-testid="save-program">
              {program ? 'Save settings' : 'Start the program'}
            </Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}

function Section({ title, description, children }: { title: string; description?: string; children: ReactNode }) {
  return (
    <Stack gap="sm">
      <div>
        <Title order={3} fz="md">
          {title}
        </Title>
        {description && (
          <Text fz="sm" c="dimmed" mt={2}>
            {description}
          </Text>
        )}
      </div>
      {children}
    </Stack>
  );
}
