// A customer's points on their page, once the workspace has a points program: points to spend,
// pending, their tier and what is missing for the next one, the points that expire next, the
// rewards within reach, and the statement (every change of their points with its cause). Admins
// add or remove points by hand, with a reason kept on the statement.
import { Alert, Badge, Box, Button, Card, Group, Modal, NumberInput, SimpleGrid, Stack, Text, Textarea, ThemeIcon, Tooltip } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconGift, IconPlusMinus } from '@tabler/icons-react';
import { type ReactNode, useState } from 'react';
import { formatDate, formatDateTime } from '../lib/format.ts';
import { applyFieldErrors, notifySuccess } from '../lib/notify.tsx';
import { roleAtLeast } from '../lib/roles.ts';
import { useWorkspace } from '../lib/session.ts';
import { type Member, type Program, type StatementLine, useAdjustPoints, useLoyaltyQuery, useMemberQuery } from '../loyalty/model.ts';
import { signed } from '../loyalty/words.ts';
import { count, money, plural } from '../reports/format.ts';

const SHOWN = 8;

export function LoyaltyCard({ contactId }: { contactId: string }) {
  const overview = useLoyaltyQuery();
  const program = overview.data?.program ?? null;
  const member = useMemberQuery(contactId, program !== null);
  if (!program || !member.data) return null;
  return <Points program={program} m={member.data} contactId={contactId} />;
}

/** "120 points to Gold", or "£40.00 more to spend to reach Gold". */
function nextTierText(m: Member, program: Program): string | null {
  if (!m.nextTier) return null;
  const gap = program.tierBasis === 'spend' && program.tierCurrency ? `${money(m.nextTier.missing, program.tierCurrency)} more spent` : plural(m.nextTier.missing, 'point');
  return `${gap} to ${m.nextTier.tier.name}`;
}

function Points({ program, m, contactId }: { program: Program; m: Member; contactId: string }) {
  const canAdjust = roleAtLeast(useWorkspace().role, 'admin');
  const [adjusting, setAdjusting] = useState(false);
  const [all, setAll] = useState(false);
  const next = nextTierText(m, program);
  const lines = all ? m.statement : m.statement.slice(0, SHOWN);
  return (
    <Card aria-label="Loyalty points" data-testid="contact-loyalty">
      <Group justify="space-between" align="flex-start" gap="sm" wrap="wrap">
        <Group gap="sm" wrap="nowrap" align="flex-start" style={{ minWidth: 0 }}>
          <ThemeIcon variant="light" color="grape" radius="xl" size={32} style={{ flexShrink: 0 }}>
            <IconGift size={17} stroke={1.7} />
          </ThemeIcon>
          <Box style={{ minWidth: 0 }}>
            <Text fz="md" fw={600} lh={1.45} data-testid="loyalty-sentence">
              {m.lifetime === 0 && m.statement.length === 0 ? 'Has not earned any points yet.' : `${plural(m.points, 'point')} to spend${m.tier ? `, in ${m.tier.name}` : ''}.`}
            </Text>
            <Text fz="xs" c="dimmed">
              {program.name} · {plural(m.lifetime, 'point')} earned in all
            </Text>
          </Box>
        </Group>
        {canAdjust && (
          <Button variant="default" size="xs" leftSection={<IconPlusMinus size={14} />} onClick={() => setAdjusting(true)} data-testid="adjust-points">
            Adjust points
          </Button>
        )}
      </Group>
      <SimpleGrid type="container" cols={{ base: 2, '560px': 4 }} spacing="md" verticalSpacing="md" mt="md">
        <Stat label="Points" testId="points" sub={m.debt > 0 ? `owes ${count(m.debt)} from a refund` : undefined}>
          {count(m.points)}
        </Stat>
        <Stat label="Pending" testId="pending" sub={m.pending > 0 ? 'usable once the wait is over' : undefined}>
          {count(m.pending)}
        </Stat>
        <Stat label="Tier" testId="tier" sub={next ?? (m.tier ? 'the highest tier' : undefined)}>
          {m.tier ? m.tier.name : 'None yet'}
        </Stat>
        <Stat label="Expiring next" testId="expiry" sub={m.nextExpiryAt ? `on ${formatDate(m.nextExpiryAt)}` : undefined}>
          {m.nextExpiryPoints ? count(m.nextExpiryPoints) : 'Nothing'}
        </Stat>
      </SimpleGrid>
      {m.rewardsInReach.length > 0 && (
        <Group gap="xs" mt="md" data-testid="rewards-in-reach">
          <Text fz="sm" c="dimmed">
            Within reach:
          </Text>
          {m.rewardsInReach.map((r) => (
            <Badge key={r.id} variant="light" color="grape" tt="none" fw={500}>
              {r.name} · {plural(r.pointsCost, 'point')}
            </Badge>
          ))}
        </Group>
      )}
      {m.statement.length > 0 && (
        <Box mt="md">
          <Text fz="xs" c="dimmed" fw={600} tt="uppercase" lts="0.04em" mb={4}>
            Statement
          </Text>
          {/* A list, not a table: the points stay in sight on a phone. */}
          <Stack gap={0} role="list" aria-label="Points statement">
            {lines.map((l) => (
              <Group key={l.id} role="listitem" data-testid="statement-line" justify="space-between" wrap="nowrap" align="flex-start" gap="md" py={8} style={{ borderTop: '1px solid var(--mantine-color-gray-2)' }}>
                <Box style={{ minWidth: 0 }}>
                  <Text fz="sm" fw={500}>
                    {l.what}
                  </Text>
                  <Text fz="xs" c="dimmed">
                    <Tooltip label={formatDateTime(l.at)}>
                      <span>{formatDate(l.at)}</span>
                    </Tooltip>
                    {notes(l) && ` · ${notes(l)}`}
                  </Text>
                </Box>
                <Text fz="sm" fw={650} c={l.points < 0 ? 'red.8' : 'teal.8'} style={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }} data-testid="statement-points">
                  {signed(l.points)}
                </Text>
              </Group>
            ))}
          </Stack>
          {m.statement.length > SHOWN && (
            <Button variant="subtle" size="xs" mt="xs" onClick={() => setAll(!all)}>
              {all ? 'Show the latest only' : `Show all ${count(m.statement.length)} changes`}
            </Button>
          )}
        </Box>
      )}
      <Modal opened={adjusting} onClose={() => setAdjusting(false)} title={<Text fw={650}>Adjust points</Text>}>
        {adjusting && <AdjustForm contactId={contactId} points={m.points} onDone={() => setAdjusting(false)} />}
      </Modal>
    </Card>
  );
}

/** "Usable from 3 Jan · expires 1 Jan 2027 · 40 left", "by ann@example.com". */
function notes(l: StatementLine): string {
  const now = Date.now();
  const parts: string[] = [];
  if (l.kind === 'earn') {
    if (l.availableAt && new Date(l.availableAt).getTime() > now) parts.push(`usable from ${formatDate(l.availableAt)}`);
    if (l.expiresAt) parts.push(`${new Date(l.expiresAt).getTime() > now ? 'expires' : 'expired'} ${formatDate(l.expiresAt)}`);
    if (l.remaining !== null && l.remaining < l.points) parts.push(`${count(l.remaining)} left`);
  }
  if (l.by) parts.push(`by ${l.by}`);
  return parts.join(' · ');
}

function Stat({ label, testId, sub, children }: { label: string; testId: string; sub?: string; children: ReactNode }) {
  return (
    <Stack gap={2} data-testid={`loyalty-${testId}`} style={{ minWidth: 0 }}>
      <Text fz={11} c="dimmed" fw={600} tt="uppercase" lts="0.04em">
        {label}
      </Text>
      <Text fz="lg" fw={650} lh={1.3} style={{ fontVariantNumeric: 'tabular-nums' }}>
        {children}
      </Text>
      {sub && (
        <Text fz="xs" c="dimmed">
          {sub}
        </Text>
      )}
    </Stack>
  );
}

/** A random key; crypto.randomUUID exists only on https and localhost, getRandomValues everywhere. */
const randomKey = () => Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');

function AdjustForm({ contactId, points, onDone }: { contactId: string; points: number; onDone: () => void }) {
  // One key per form: sending it twice (a retry after a lost answer) counts once.
  const [requestKey] = useState(randomKey);
  const form = useForm<{ points: number | string; reason: string }>({
    initialValues: { points: '', reason: '' },
    validate: {
      points: (v) => (v === '' || Number(v) === 0 ? 'Say how many points: 50 to add, -50 to remove' : null),
      reason: (v) => (v.trim() ? null : 'Say why: it is kept on the statement'),
    },
  });
  const [error, setError] = useState<string | null>(null);
  const adjust = useAdjustPoints(contactId);
  const n = Number(form.values.points) || 0;
  const submit = (v: { points: number | string; reason: string }) =>
    adjust.mutate(
      { body: { points: Number(v.points), reason: v.reason.trim() }, requestKey },
      {
        onSuccess: () => {
          notifySuccess(`${signed(Number(v.points))} points, kept on the statement with the reason.`, 'Points adjusted');
          onDone();
        },
        onError: (err) => setError(applyFieldErrors(form, err)),
      },
    );
  return (
    <form noValidate onSubmit={form.onSubmit(submit)} data-testid="adjust-form">
      <Stack gap="md">
        {error && (
          <Alert color="red" variant="light">
            {error}
          </Alert>
        )}
        <NumberInput label="Points" description="Positive to add, negative (like -50) to remove." allowDecimal={false} thousandSeparator="," data-autofocus {...form.getInputProps('points')} />
        <Textarea label="Reason" description="Shown on the statement, with your name." placeholder="Apology for a late delivery" autosize minRows={2} {...form.getInputProps('reason')} />
        {n !== 0 && (
          <Text fz="sm" c="dimmed">
            {count(points)} now, {count(points + n)} after.
          </Text>
        )}
        <Group justify="flex-end" gap="sm">
          <Button variant="default" onClick={onDone}>
            Cancel
          </Button>
          <Button type="submit" loading={adjust.isPending}>
            {n < 0 ? 'Remove points' : 'Add points'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
