// The tiers, edited as one list and saved together: each with its name, the points earned (or
// money spent) from which a member is in it, and the multiplier of the points its members earn.
// A tier keeps its members when renamed (its id is kept); a tier removed takes its members out.
import { ActionIcon, Alert, Anchor, Button, Card, EmptyState, Group, NumberInput, Stack, Table, Text, TextInput, VisuallyHidden } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconPlus, IconStairsUp, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { currencyExponent, toMajorUnits, toMinorUnits } from '../../../src/shared/money.ts';
import { SectionHeader } from '../components/PageHeader.tsx';
import { applyFieldErrors, notifySuccess } from '../lib/notify.tsx';
import { useLoyalty } from './LoyaltyPage.tsx';
import { type Program, type Tier, useSaveTiers } from './model.ts';
import { basisText, fromBp, toBp } from './words.ts';

type Row = { id: string | null; name: string; threshold: number | string; times: number | string };

const byMoney = (p: Program) => p.tierBasis === 'spend' && !!p.tierCurrency;

export function TiersTab() {
  const { overview } = useLoyalty();
  // A new form when the tiers or what reaches them change.
  return <TiersForm key={JSON.stringify([overview.tiers, overview.program.tierBasis, overview.program.tierCurrency])} />;
}

function TiersForm() {
  const { overview, canEdit } = useLoyalty();
  const program = overview.program;
  const money = byMoney(program);
  const currency = program.tierCurrency ?? 'USD';
  const toInput = (t: Tier) => (money ? toMajorUnits(t.threshold, currency) : t.threshold);
  const sorted = [...overview.tiers].sort((a, b) => a.threshold - b.threshold);
  const form = useForm<{ tiers: Row[] }>({
    initialValues: { tiers: sorted.map((t) => ({ id: t.id, name: t.name, threshold: toInput(t), times: fromBp(t.multiplierBp) })) },
    validate: {
      tiers: {
        name: (v) => (v.trim() ? null : 'Give the tier a name'),
        threshold: (v) => (v === '' || Number(v) < 0 ? 'Say from how much' : null),
      },
    },
  });
  const [error, setError] = useState<string | null>(null);
  const save = useSaveTiers();
  const submit = (values: { tiers: Row[] }) => {
    const tiers = values.tiers.map((r) => {
      const converted = money ? toMinorUnits(r.threshold, currency) : { ok: true as const, value: Number(r.threshold) };
      return { id: r.id, name: r.name.trim(), threshold: converted.ok ? converted.value : -1, multiplierBp: toBp(r.times === '' ? 1 : r.times) };
    });
    save.mutate(
      { tiers },
      {
        onSuccess: () => notifySuccess('Members move up as soon as they reach a tier.', 'Tiers saved'),
        onError: (err) => setError(applyFieldErrors(form, err, (path) => path.replace(/\.multiplierBp$/, '.times'))),
      },
    );
  };
  const rows = form.values.tiers;
  const add = () => form.insertListItem('tiers', { id: null, name: '', threshold: '', times: 1 });
  const decimals = money ? (currencyExponent(currency) ?? 2) : 0;
  return (
    <Card>
      <SectionHeader
        title="Tiers"
        description={
          <>
            Reached by {basisText(program).toLowerCase()} (
            <Anchor component={Link} to="/loyalty/settings" fz="inherit">
              change
            </Anchor>
            ). A member moves up as soon as they reach a tier; its multiplier counts for the points they earn from then on.
          </>
        }
      />
      <form noValidate onSubmit={form.onSubmit(submit)}>
        <Stack gap="md">
          {error && (
            <Alert color="red" variant="light">
              {error}
            </Alert>
          )}
          {rows.length === 0 ? (
            <EmptyState variant="light" color="grape" icon={<IconStairsUp size={28} stroke={1.6} />} title="No tiers" description="Every member is simply a member. Add tiers such as Silver and Gold to reward your best customers." py="md" mx="auto" maw={560} />
          ) : (
            <Table.ScrollContainer minWidth={560} type="native">
              <Table aria-label="Tiers" verticalSpacing="xs">
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Name</Table.Th>
                    <Table.Th>{money ? `From (spent in ${currency})` : 'From (points earned)'}</Table.Th>
                    <Table.Th>Points multiplier</Table.Th>
                    <Table.Th w={48}>
                      <VisuallyHidden>Remove</VisuallyHidden>
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {rows.map((r, i) => (
                    <Table.Tr key={r.id ?? `new-${i}`} data-testid="tier-row">
                      <Table.Td>
                        <TextInput aria-label="Name" placeholder="Gold" disabled={!canEdit} {...form.getInputProps(`tiers.${i}.name`)} />
                      </Table.Td>
                      <Table.Td>
                        <NumberInput
                          aria-label={money ? `From, spent in ${currency}` : 'From, points earned'}
                          min={0}
                          decimalScale={decimals}
                          allowDecimal={decimals > 0}
                          allowNegative={false}
                          thousandSeparator=","
                          suffix={money ? ` ${currency}` : ' points'}
                          disabled={!canEdit}
                          {...form.getInputProps(`tiers.${i}.threshold`)}
                        />
                      </Table.Td>
                      <Table.Td>
                        <NumberInput aria-label="Points multiplier" prefix="×" min={0} max={10} decimalScale={4} allowNegative={false} w={110} disabled={!canEdit} {...form.getInputProps(`tiers.${i}.times`)} />
                      </Table.Td>
                      <Table.Td>
                        {canEdit && (
                          <ActionIcon variant="subtle" color="gray" size={36} aria-label={`Remove the tier ${r.name}`} onClick={() => form.removeListItem('tiers', i)}>
                            <IconTrash size={16} />
                          </ActionIcon>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
          {canEdit ? (
            <Group justify="space-between">
              <Button variant="subtle" leftSection={<IconPlus size={16} />} onClick={add} data-testid="add-tier">
                Add a tier
              </Button>
              <Button type="submit" loading={save.isPending} disabled={!form.isDirty()} data-testid="save-tiers">
                Save tiers
              </Button>
            </Group>
          ) : (
            <Text fz="sm" c="dimmed">
              Only admins and owners can change the tiers.
            </Text>
          )}
          {canEdit && rows.filter((r) => r.id !== null).length < overview.tiers.length && (
            <Text fz="xs" c="orange.8">
              Members of a tier you remove are in no tier until they reach another.
            </Text>
          )}
        </Stack>
      </form>
    </Card>
  );
}
