// Points given by a workflow step ("award 50 points"): for a batch of contacts at once, in the
// step's transaction, each keyed by its cause (`award:<enrollment>:<step>`), so that a retried
// step gives nothing twice. Given points are earned points: they count for tiers and lifetime,
// and never expire by a rule of their own.
import type { SqlSession } from '../db/client.ts';
import { recordEvents } from '../events/record.ts';
import { grantMany } from './ledger/ledger.ts';
import { refreshMembers } from './members.ts';
import { programOf, tiersOf } from './program.ts';

export type AwardOutcome = 'awarded' | 'already' | 'no_program';

export async function awardPoints(tx: SqlSession, workspaceId: string, rows: { contactId: string; key: string }[], points: number, reason: string, now: Date): Promise<Map<string, AwardOutcome>> {
  const out = new Map<string, AwardOutcome>();
  const program = await programOf(tx, workspaceId);
  if (!program || program.state !== 'active') {
    for (const r of rows) out.set(r.key, 'no_program');
    return out;
  }
  const results = await grantMany(
    tx,
    workspaceId,
    rows.map((r) => ({ contactId: r.contactId, points, availableAt: now, expiresAt: null, key: `award:${r.key}`, cause: r.key, kind: 'earn' as const, reason, earnedAt: now })),
    now,
  );
  const fresh = rows.filter((_, i) => results[i]!.ok && !(results[i] as { duplicate: boolean }).duplicate);
  rows.forEach((r, i) => out.set(r.key, results[i]!.ok && !(results[i] as { duplicate: boolean }).duplicate ? 'awarded' : 'already'));
  await recordEvents(
    tx,
    workspaceId,
    'loyalty',
    fresh.map((r) => ({ name: 'points.earned' as const, contactId: r.contactId, occurredAt: now, messageId: `points.earned:award:${r.key}`, properties: { points, rule_name: reason } })),
  );
  await refreshMembers(tx, workspaceId, program, await tiersOf(tx, workspaceId), rows.map((r) => r.contactId), now);
  return out;
}
