// A new coupon campaign, or a change of one: one shared code or unique codes (their length,
// prefix or pattern), the offer (percent off, an amount off, free shipping), a minimum order,
// the days it holds, its limits, and the channel its codes are shared through. A campaign's
// kind of code and its shared code stay as they were created.
import { Alert, Button, Group, Modal, NumberInput, SegmentedControl, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { type ReactNode, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { currencyExponent, toMajorUnits, toMinorUnits } from '../../../src/shared/money.ts';
import { CurrencySelect } from '../components/CurrencySelect.tsx';
import { applyFieldErrors, notifySuccess } from '../lib/notify.tsx';
import { type Campaign, type CampaignBody, type Channel, useSaveCampaign } from './model.ts';
import { CHANNEL_LABELS } from './words.ts';

type Values = {
  name: string;
  codeKind: Campaign['codeKind'];
  sharedCode: string;
  codeLength: number | string;
  codePrefix: string;
  codePattern: string;
  discountKind: Campaign['discount']['kind'];
  percent: number | string;
  /** Major units as typed. */
  amount: number | string;
  currency: string | null;
  minOrder: number | string;
  startsAt: string;
  /** The last day the code can be used, inclusive. */
  endsAt: string;
  maxRedemptions: number | string;
  perContactLimit: number | string;
  perCodeLimit: number | string;
  channel: Channel;
  channelDetail: string;
};

const RENAME: Record<string, keyof Values> = {
  'discount.percent': 'percent',
  'discount.bp': 'percent',
  'discount.amount': 'amount',
  'discount.currency': 'currency',
  'minOrder.amount': 'minOrder',
  'minOrder.currency': 'currency',
  'codeSpec.length': 'codeLength',
  'codeSpec.prefix': 'codePrefix',
  'codeSpec.suffix': 'codePrefix',
  'codeSpec.pattern': 'codePattern',
  'codeSpec.charset': 'codeLength',
};

const pad = (n: number) => String(n).padStart(2, '0');
const dayOf = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
/** The start of a day here; the end of a campaign is the start of the day after its last. */
const startOf = (day: string, plusDays = 0) => {
  const d = new Date(`${day}T00:00:00`);
  d.setDate(d.getDate() + plusDays);
  return d.toISOString();
};
/** The last day a campaign ending at `iso` can be used on. */
export const lastDay = (iso: string) => new Date(new Date(iso).getTime() - 1);

const orNull = (v: number | string) => (v === '' ? null : Number(v));

function initialValues(c: Campaign | null, currency: string): Values {
  const cur = c?.discount.kind === 'fixed' ? c.discount.currency : (c?.minOrder?.currency ?? currency);
  return {
    name: c?.name ?? '',
    codeKind: c?.codeKind ?? 'shared',
    sharedCode: c?.sharedCode ?? '',
    codeLength: c?.codeSpec?.length ?? 8,
    codePrefix: c?.codeSpec?.prefix ?? '',
    codePattern: c?.codeSpec?.pattern ?? '',
    discountKind: c?.discount.kind ?? 'percent',
    percent: c?.discount.kind === 'percent' ? c.discount.percent : 10,
    amount: c?.discount.kind === 'fixed' ? toMajorUnits(c.discount.amount, cur) : '',
    currency: cur,
    minOrder: c?.minOrder ? toMajorUnits(c.minOrder.amount, c.minOrder.currency) : '',
    startsAt: c?.startsAt ? dayOf(new Date(c.startsAt)) : '',
    endsAt: c?.endsAt ? dayOf(lastDay(c.endsAt)) : '',
    maxRedemptions: c?.maxRedemptions ?? '',
    perContactLimit: c?.perContactLimit ?? (c ? '' : 1),
    perCodeLimit: c?.perCodeLimit ?? '',
    channel: c?.channel ?? 'email',
    channelDetail: c?.channelDetail ?? '',
  };
}

function bodyOf(v: Values, c: Campaign | null): CampaignBody | string {
  const currency = v.currency ?? '';
  const minor = (x: number | string) => (x === '' ? null : toMinorUnits(x, currency));
  const amount = minor(v.amount);
  const min = minor(v.minOrder);
  if ((v.discountKind === 'fixed' || min) && !currencyExponent(currency)) return 'Choose a currency.';
  const discount: CampaignBody['discount'] =
    v.discountKind === 'percent' ? { kind: 'percent', percent: Number(v.percent) } : v.discountKind === 'fixed' ? { kind: 'fixed', amount: amount?.ok ? amount.value : 0, currency } : { kind: 'free_shipping' };
  return {
    name: v.name.trim(),
    codeKind: v.codeKind,
    sharedCode: v.codeKind === 'shared' ? v.sharedCode.trim().toUpperCase() : null,
    codeSpec:
      v.codeKind === 'unique'
        ? { ...(c?.codeSpec ?? {}), length: Number(v.codeLength) || 8, prefix: v.codePrefix.trim().toUpperCase(), pattern: v.codePattern.trim().toUpperCase() || null }
        : null,
    discount,
    minOrder: min?.ok ? { amount: min.value, currency } : null,
    startsAt: v.startsAt ? startOf(v.startsAt) : null,
    endsAt: v.endsAt ? startOf(v.endsAt, 1) : null,
    maxRedemptions: orNull(v.maxRedemptions),
    perContactLimit: orNull(v.perContactLimit),
    perCodeLimit: v.codeKind === 'unique' ? orNull(v.perCodeLimit) : null,
    channel: v.channel,
    channelDetail: v.channelDetail.trim() || null,
    state: c?.state,
  };
}

export function CampaignModal({ opened, campaign, currency, onClose }: { opened: boolean; campaign: Campaign | null; currency: string; onClose: () => void }) {
  return (
    <Modal opened={opened} onClose={onClose} title={<Text fw={650}>{campaign ? 'Change the campaign' : 'New coupon campaign'}</Text>} size="xl">
      {opened && <CampaignForm key={campaign?.id ?? 'new'} campaign={campaign} currency={currency} onDone={onClose} />}
    </Modal>
  );
}

function CampaignForm({ campaign, currency, onDone }: { campaign: Campaign | null; currency: string; onDone: () => void }) {
  const form = useForm<Values>({
    initialValues: initialValues(campaign, currency),
    validate: {
      name: (v) => (v.trim() ? null : 'Give the campaign a name, like “Summer sale”'),
      sharedCode: (v, all) => (all.codeKind === 'shared' && !v.trim() ? 'Choose the code customers type, like SUMMER15' : null),
      percent: (v, all) => (all.discountKind === 'percent' && !(Number(v) > 0 && Number(v) <= 100) ? 'From more than 0% to 100%' : null),
      amount: (v, all) => (all.discountKind === 'fixed' && !(Number(v) > 0) ? 'Say how much is taken off' : null),
      endsAt: (v, all) => (v && all.startsAt && v < all.startsAt ? 'The last day comes after the first' : null),
    },
  });
  const [error, setError] = useState<string | null>(null);
  const save = useSaveCampaign();
  const navigate = useNavigate();
  const v = form.values;
  const submit = (values: Values) => {
    const body = bodyOf(values, campaign);
    if (typeof body === 'string') return form.setFieldError('currency', body);
    save.mutate(
      { id: campaign?.id ?? null, body },
      {
        onSuccess: (saved) => {
          notifySuccess(campaign ? 'The new terms count from the next order on.' : saved.codeKind === 'shared' ? `Customers can use ${saved.sharedCode} now.` : 'Generate its codes, or give them through rewards.', `Campaign “${saved.name}” saved`);
          onDone();
          if (!campaign) navigate(`/coupons/${saved.id}`);
        },
        onError: (err) => setError(applyFieldErrors(form, err, (path) => RENAME[path] ?? path)),
      },
    );
  };
  const fixed = v.discountKind === 'fixed';
  const showCurrency = fixed || v.minOrder !== '';
  return (
    <form noValidate onSubmit={form.onSubmit(submit)} data-testid="campaign-form">
      <Stack gap="lg">
        {error && (
          <Alert color="red" variant="light">
            {error}
          </Alert>
        )}
        <TextInput label="Name" placeholder="Summer sale" data-autofocus {...form.getInputProps('name')} />

        <Part title="The code">
          <SegmentedControl
            fullWidth
            aria-label="The code"
            disabled={campaign !== null}
            data={[
              { value: 'shared', label: 'One code for everyone' },
              { value: 'unique', label: 'A code per customer' },
            ]}
            {...form.getInputProps('codeKind')}
          />
          {v.codeKind === 'shared' ? (
            <TextInput
              label="Code"
              description="What customers type at checkout: 3 to 40 letters, digits, - or _."
              placeholder="SUMMER15"
              disabled={campaign !== null}
              styles={{ input: { textTransform: 'uppercase', fontFamily: 'var(--mantine-font-family-monospace)' } }}
              {...form.getInputProps('sharedCode')}
            />
          ) : (
            <>
              <SimpleGrid cols={{ base: 1, xs: 3 }}>
                <NumberInput label="Length" suffix=" characters" min={4} max={32} allowDecimal={false} allowNegative={false} disabled={v.codePattern.trim() !== ''} {...form.getInputProps('codeLength')} />
                <TextInput label="Starting with" placeholder="THANKS-" {...form.getInputProps('codePrefix')} />
                <TextInput label="Or a pattern" placeholder="SUMMER-####-####" {...form.getInputProps('codePattern')} />
              </SimpleGrid>
              <Text fz="xs" c="dimmed">
                In a pattern, each # is a random character. Codes use letters and digits that cannot be mistaken for one another (no 0, O, 1 or I). Generate them on the
                campaign’s page, or let rewards give one to each customer.
              </Text>
            </>
          )}
        </Part>

        <Part title="The offer">
          <SegmentedControl
            fullWidth
            aria-label="The offer"
            data={[
              { value: 'percent', label: 'Percent off' },
              { value: 'fixed', label: 'Amount off' },
              { value: 'free_shipping', label: 'Free shipping' },
            ]}
            {...form.getInputProps('discountKind')}
          />
          <SimpleGrid cols={{ base: 1, xs: 3 }}>
            {v.discountKind === 'percent' && <NumberInput label="Off the order" suffix="%" min={0} max={100} decimalScale={2} allowNegative={false} {...form.getInputProps('percent')} />}
            {fixed && <NumberInput label="Off the order" min={0} decimalScale={currencyExponent(v.currency ?? '') ?? 2} allowNegative={false} {...form.getInputProps('amount')} />}
            <NumberInput label="Minimum order" placeholder="None" min={0} decimalScale={currencyExponent(v.currency ?? '') ?? 2} allowNegative={false} {...form.getInputProps('minOrder')} />
            {showCurrency && (
              <CurrencySelect label="Currency" description={fixed ? 'Orders in other currencies cannot use it.' : undefined} {...form.getInputProps('currency')} />
            )}
          </SimpleGrid>
        </Part>

        <Part title="When and how often">
          <SimpleGrid cols={{ base: 1, xs: 2 }}>
            <TextInput type="date" label="First day" description="Empty: from now" {...form.getInputProps('startsAt')} />
            <TextInput type="date" label="Last day" description="Empty: no end" {...form.getInputProps('endsAt')} />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, xs: 3 }}>
            <NumberInput label="Uses in all" placeholder="No limit" min={1} allowDecimal={false} allowNegative={false} {...form.getInputProps('maxRedemptions')} />
            <NumberInput label="Uses per customer" placeholder="No limit" min={1} allowDecimal={false} allowNegative={false} {...form.getInputProps('perContactLimit')} />
            {v.codeKind === 'unique' && <NumberInput label="Uses of each code" placeholder="No limit" min={1} allowDecimal={false} allowNegative={false} {...form.getInputProps('perCodeLimit')} />}
          </SimpleGrid>
        </Part>

        <Part title="Where the codes are shared" description="Every use keeps it, so the results show which channel brought the orders.">
          <SimpleGrid cols={{ base: 1, xs: 2 }}>
            <Select label="Channel" allowDeselect={false} data={(Object.keys(CHANNEL_LABELS) as Channel[]).map((c) => ({ value: c, label: CHANNEL_LABELS[c] }))} {...form.getInputProps('channel')} />
            <TextInput label="Where exactly" placeholder="Optional, like Instagram followers" {...form.getInputProps('channelDetail')} />
          </SimpleGrid>
        </Part>

        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            {campaign ? 'Save campaign' : 'Create campaign'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function Part({ title, description, children }: { title: string; description?: string; children: ReactNode }) {
  return (
    <Stack gap="sm">
      <div>
        <Title order={3} fz="sm">
          {title}
        </Title>
        {description && (
          <Text fz="xs" c="dimmed" mt={2}>
            {description}
          </Text>
        )}
      </div>
      {children}
    </Stack>
  );
}
