// The rewards customers spend their points on: a coupon code (from a campaign of the Coupons
// area) or a gift the shop hands over; each with its cost in points, its stock, how many times
// one customer may take it, and how many were redeemed. "Add a reward" and "Change" open its form.
import { Alert, Anchor, Badge, Button, Card, EmptyState, Group, Modal, NumberInput, SegmentedControl, Select, SimpleGrid, Stack, Switch, Table, Text, Textarea, TextInput, Input } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconGift, IconPlus } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { type CampaignSummary, useCampaignsQuery } from '../coupons/model.ts';
import { offerText } from '../coupons/words.ts';
import { SectionHeader } from '../components/PageHeader.tsx';
import { applyFieldErrors, notifySuccess } from '../lib/notify.tsx';
import { count, plural } from '../reports/format.ts';
import { useLoyalty } from './LoyaltyPage.tsx';
import { type Reward, type RewardBody, useSaveReward } from './model.ts';

export function RewardsTab() {
  const { overview, canEdit } = useLoyalty();
  const campaigns = useCampaignsQuery();
  const [editing, setEditing] = useState<Reward | 'new' | null>(null);
  const rewards = overview.rewards;
  const byId = new Map((campaigns.data?.campaigns ?? []).map((c) => [c.id, c]));
  const add = (
    <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing('new')} disabled={!canEdit} data-testid="add-reward">
      Add a reward
    </Button>
  );
  return (
    <Card>
      <SectionHeader title="Rewards" description="What members spend their points on. A coupon reward gives the customer a code of its campaign; a gift is handed over by your shop." actions={rewards.length > 0 && canEdit ? add : undefined} />
      {rewards.length === 0 ? (
        <EmptyState variant="light" color="grape" icon={<IconGift size={28} stroke={1.6} />} title="No rewards yet" description="Add one, such as 10% off the next order for 500 points, so that points are worth collecting." py="lg" mx="auto" maw={560}>
          {canEdit && <EmptyState.Actions>{add}</EmptyState.Actions>}
        </EmptyState>
      ) : (
        <Table.ScrollContainer minWidth={720} type="native">
          <Table aria-label="Rewards" verticalSpacing="sm" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Reward</Table.Th>
                <Table.Th>Gives</Table.Th>
                <Table.Th ta="right">Costs</Table.Th>
                <Table.Th ta="right">Left</Table.Th>
                <Table.Th ta="right">Redeemed</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rewards.map((r) => {
                const campaign = r.campaignId ? byId.get(r.campaignId) : undefined;
                return (
                  <Table.Tr key={r.id} data-testid="reward-row">
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        <Text fz="sm" fw={600}>
                          {r.name}
                        </Text>
                        {!r.active && (
                          <Badge color="gray" variant="light">
                            Off
                          </Badge>
                        )}
                      </Group>
                      {r.perContactLimit && (
                        <Text fz="xs" c="dimmed">
                          At most {r.perContactLimit === 1 ? 'once' : `${count(r.perContactLimit)} times`} per customer
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td fz="sm">
                      {r.kind === 'gift' ? (
                        'A gift'
                      ) : campaign ? (
                        <Anchor component={Link} to={`/coupons/${campaign.id}`} fz="sm">
                          {offerText(campaign.discount)} · {campaign.name}
                        </Anchor>
                      ) : (
                        'A coupon code'
                      )}
                    </Table.Td>
                    <Table.Td ta="right" fz="sm" style={{ whiteSpace: 'nowrap' }}>
                      {plural(r.pointsCost, 'point')}
                    </Table.Td>
                    <Table.Td ta="right" fz="sm">
                      {r.stock === null ? 'No limit' : count(Math.max(0, r.stock - r.redeemed))}
                    </Table.Td>
                    <Table.Td ta="right" fz="sm">
                      {count(r.redeemed)}
                    </Table.Td>
                    <Table.Td ta="right">
                      {canEdit && (
                        <Button variant="default" size="xs" onClick={() => setEditing(r)} aria-label={`Change the reward ${r.name}`}>
                          Change
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Modal opened={editing !== null} onClose={() => setEditing(null)} title={<Text fw={650}>{editing === 'new' ? 'New reward' : 'Change the reward'}</Text>} size="lg">
        {editing !== null && <RewardForm reward={editing === 'new' ? null : editing} campaigns={campaigns.data?.campaigns ?? []} onDone={() => setEditing(null)} />}
      </Modal>
    </Card>
  );
}

type Values = { name: string; description: string; kind: Reward['kind']; campaignId: string | null; pointsCost: number | string; stock: number | string; perContactLimit: number | string; active: boolean };

const orNull = (v: number | string) => (v === '' ? null : Number(v));

function RewardForm({ reward, campaigns, onDone }: { reward: Reward | null; campaigns: CampaignSummary[]; onDone: () => void }) {
  const form = useForm<Values>({
    initialValues: {
      name: reward?.name ?? '',
      description: reward?.description ?? '',
      kind: reward?.kind ?? 'coupon',
      campaignId: reward?.campaignId ?? null,
      pointsCost: reward?.pointsCost ?? '',
      stock: reward?.stock ?? '',
      perContactLimit: reward?.perContactLimit ?? '',
      active: reward?.active ?? true,
    },
    validate: {
      name: (v) => (v.trim() ? null : 'Give the reward a name, like “10% off your next order”'),
      campaignId: (v, all) => (all.kind === 'coupon' && !v ? 'Choose the coupon campaign whose code it gives' : null),
      pointsCost: (v) => (Number(v) >= 1 ? null : 'Say how many points it costs'),
    },
  });
  const [error, setError] = useState<string | null>(null);
  const save = useSaveReward();
  const usable = campaigns.filter((c) => c.state !== 'ended' || c.id === form.values.campaignId);
  const submit = (v: Values) => {
    const body: RewardBody = {
      name: v.name.trim(),
      description: v.description.trim() || null,
      kind: v.kind,
      campaignId: v.kind === 'coupon' ? v.campaignId : null,
      pointsCost: Number(v.pointsCost),
      stock: orNull(v.stock),
      perContactLimit: orNull(v.perContactLimit),
      active: v.active,
    };
    save.mutate(
      { id: reward?.id ?? null, body },
      {
        onSuccess: (saved) => {
          notifySuccess('Your shop can redeem it for members with enough points.', `Reward “${saved.name}” saved`);
          onDone();
        },
        onError: (err) => setError(applyFieldErrors(form, err)),
      },
    );
  };
  return (
    <form noValidate onSubmit={form.onSubmit(submit)} data-testid="reward-form">
      <Stack gap="md">
        {error && (
          <Alert color="red" variant="light">
            {error}
          </Alert>
        )}
        <TextInput label="Name" placeholder="10% off your next order" data-autofocus {...form.getInputProps('name')} />
        <Textarea label="Description" description="Optional: what the customer gets, in your words." autosize minRows={2} {...form.getInputProps('description')} />
        <Input.Wrapper label="The customer gets" labelElement="div">
          <SegmentedControl
            mt={6}
            fullWidth
            aria-label="The customer gets"
            data={[
              { value: 'coupon', label: 'A coupon code' },
              { value: 'gift', label: 'A gift' },
            ]}
            {...form.getInputProps('kind')}
          />
        </Input.Wrapper>
        {form.values.kind === 'coupon' ? (
          usable.length === 0 ? (
            <Alert color="gray" variant="light" title="No coupon campaign yet">
              A coupon reward gives a code of a campaign.{' '}
              <Anchor component={Link} to="/coupons" fz="inherit">
                Create one in Coupons
              </Anchor>{' '}
              (unique codes, one per customer), then come back.
            </Alert>
          ) : (
            <Select
              label="Code from the campaign"
              description="Each time a member takes the reward they get a code of this campaign: a new one for a campaign of unique codes, the same code for a campaign of one shared code."
              placeholder="Choose a campaign"
              data={usable.map((c) => ({ value: c.id, label: `${c.name} · ${offerText(c.discount)}` }))}
              {...form.getInputProps('campaignId')}
            />
          )
        ) : (
          <Text fz="xs" c="dimmed">
            Rapport records it on the customer’s timeline; your shop hands the gift over.
          </Text>
        )}
        <SimpleGrid cols={{ base: 1, xs: 3 }}>
          <NumberInput label="Costs" suffix=" points" min={1} allowDecimal={false} allowNegative={false} thousandSeparator="," {...form.getInputProps('pointsCost')} />
          <NumberInput label="In stock" description="Empty: no limit" placeholder="No limit" min={0} allowDecimal={false} allowNegative={false} {...form.getInputProps('stock')} />
          <NumberInput label="Per customer, at most" description="Empty: no limit" placeholder="No limit" min={1} allowDecimal={false} allowNegative={false} {...form.getInputProps('perContactLimit')} />
        </SimpleGrid>
        {reward && reward.redeemed > 0 && (
          <Text fz="xs" c="dimmed">
            Redeemed {plural(reward.redeemed, 'time')} so far; the stock counts them.
          </Text>
        )}
        <Switch label="Customers can redeem it" {...form.getInputProps('active', { type: 'checkbox' })} />
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={save.isPending}>
            {reward ? 'Save reward' : 'Add reward'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
