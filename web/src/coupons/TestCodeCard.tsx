// "Test a code": asks Rapport what a checkout would be told of a code on an order of some amount
// (optionally for a customer, by email), and says it in a sentence. Nothing is held or used.
import { Alert, Button, Card, Group, NumberInput, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconCircleCheck, IconCircleX } from '@tabler/icons-react';
import { useState } from 'react';
import { currencyExponent, toMinorUnits } from '../../../src/shared/money.ts';
import { CurrencySelect } from '../components/CurrencySelect.tsx';
import { SectionHeader } from '../components/PageHeader.tsx';
import { applyFieldErrors } from '../lib/notify.tsx';
import { money } from '../reports/format.ts';
import { type Channel, useValidateCode, type ValidateResult } from './model.ts';
import { CHANNEL_VIA } from './words.ts';

type Values = { code: string; amount: number | string; currency: string | null; email: string };

/** The answer as a sentence: "Valid: £5.00 off this order of £50.00 (Summer sale, shared by email)." */
export function answerSentence(r: ValidateResult, amount: number, currency: string): string {
  if (!r.valid) return `Not valid: ${r.message}`;
  const off = r.freeShipping ? 'free shipping' : `${money(r.discount, r.currency)} off`;
  return `Valid: ${off} on this order of ${money(amount, currency)} (${r.campaign.name}, shared ${CHANNEL_VIA[r.channel as Channel] ?? r.channel}).`;
}

export function TestCodeCard({ currency }: { currency: string }) {
  const form = useForm<Values>({
    initialValues: { code: '', amount: 50, currency, email: '' },
    validate: {
      code: (v) => (v.trim() ? null : 'Type a code'),
      amount: (v) => (v === '' || Number(v) < 0 ? 'Say what the order comes to' : null),
      currency: (v) => (v ? null : 'Choose a currency'),
    },
  });
  const [answer, setAnswer] = useState<{ ok: boolean; text: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const validate = useValidateCode();
  const submit = (v: Values) => {
    const cur = v.currency!;
    const minor = toMinorUnits(v.amount, cur);
    if (!minor.ok) return form.setFieldError('amount', 'Say what the order comes to');
    setError(null);
    validate.mutate(
      { code: v.code.trim(), amount: minor.value, currency: cur, customer: v.email.trim() ? { email: v.email.trim() } : null },
      {
        onSuccess: (r) => setAnswer({ ok: r.valid, text: answerSentence(r, minor.value, cur) }),
        onError: (err) => {
          setAnswer(null);
          setError(applyFieldErrors(form, err, (path) => (path.startsWith('customer') ? 'email' : path)));
        },
      },
    );
  };
  return (
    <Card data-testid="test-code">
      <SectionHeader title="Test a code" description="What your checkout would be told about a code on an order like this one. Nothing is used or held." />
      <form noValidate onSubmit={form.onSubmit(submit)}>
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm">
            <TextInput label="Code" placeholder="SUMMER15" styles={{ input: { textTransform: 'uppercase', fontFamily: 'var(--mantine-font-family-monospace)' } }} {...form.getInputProps('code')} />
            <NumberInput label="Order before the discount" min={0} decimalScale={currencyExponent(form.values.currency ?? '') ?? 2} allowNegative={false} {...form.getInputProps('amount')} />
            <CurrencySelect label="Currency" {...form.getInputProps('currency')} />
            <TextInput label="Customer’s email" description="For codes given to one customer" inputWrapperOrder={['label', 'input', 'description', 'error']} placeholder="Optional" {...form.getInputProps('email')} />
          </SimpleGrid>
          <Group justify="space-between" align="center" gap="sm">
            <Button type="submit" variant="default" loading={validate.isPending}>
              Test the code
            </Button>
          </Group>
          {error && (
            <Alert color="red" variant="light">
              {error}
            </Alert>
          )}
          {answer && (
            <Group gap="xs" wrap="nowrap" align="flex-start" data-testid="test-answer">
              {answer.ok ? <IconCircleCheck size={20} color="var(--mantine-color-teal-7)" style={{ flexShrink: 0 }} /> : <IconCircleX size={20} color="var(--mantine-color-red-7)" style={{ flexShrink: 0 }} />}
              <Text fz="sm" fw={500} c={answer.ok ? 'teal.9' : 'red.9'}>
                {answer.text}
              </Text>
            </Group>
          )}
        </Stack>
      </form>
    </Card>
  );
}
