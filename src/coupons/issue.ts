// Codes come from a campaign in two ways: generated in bulk (a batch, for a partner or a
// printed card: a job with progress) or issued one at a time to a customer (a reward, a
// workflow step), each time by a cause whose key makes it happen once. The unique index on
// (workspace, code) is the guarantee that no two codes are alike: codes it refuses are drawn again.
import type { Database, SqlSession } from '../db/client.ts';
import { conflict, invalid, notFound } from '../errors.ts';
import { recordEvents } from '../events/record.ts';
import { campaignById } from './campaigns.ts';
import { type CodeSpec, DEFAULT_CODE_SPEC, drawCodes, roomFor } from './codes.ts';

/** Codes inserted per statement in a batch. */
export const CHUNK = 20_000;

export interface IssuedCode {
  codeId: string;
  code: string;
  campaignId: string;
  campaignName: string;
  /** False when the cause had already issued it (a retry). */
  created: boolean;
}

/**
 * Gives a customer a code of the campaign in the caller's transaction, once per `issueKey`
 * ("reward:<redemption>", "workflow:<enrollment>:<step>"): a unique campaign makes a code for
 * them alone, a shared campaign hands out its code. Without a customer (`contactId` null: a
 * social post's code, "social:<post>:<account>") the code is anyone's, and no event is written. Refused when the campaign is not active or
 * has ended, so that whatever pays for the code (points) is rolled back with it.
 */
export async function issueCode(
  tx: SqlSession,
  workspaceId: string,
  campaignId: string,
  contactId: string | null,
  issueKey: string,
  now: Date,
  /** Where this code is shared, when not the campaign's channel (a social post's code). */
  sharedThrough?: { channel: string; channelDetail: string | null },
): Promise<IssuedCode> {
  const campaign = await campaignById(tx, workspaceId, campaignId);
  if (!campaign) throw notFound('The coupon campaign');
  const [prior] = await tx.query<{ id: string; code: string }>('select id, code from coupon_codes where workspace_id = $1 and issue_key = $2', [workspaceId, issueKey]);
  if (prior) return { codeId: String(prior.id), code: prior.code, campaignId, campaignName: campaign.name, created: false };
  if (campaign.state !== 'active' || (campaign.endsAt && campaign.endsAt <= now))
    throw conflict(`The campaign “${campaign.name}” is ${campaign.state === 'paused' ? 'paused' : 'over'}: it gives no more codes.`, { campaignId }, 'campaign_not_issuing');
  let issued: { id: string; code: string } | undefined;
  if (campaign.codeKind === 'shared') {
    [issued] = await tx.query<{ id: string; code: string }>('select id, code from coupon_codes where campaign_id = $1 order by id limit 1', [campaignId]);
  } else {
    const spec = campaign.codeSpec ?? DEFAULT_CODE_SPEC;
    for (let attempt = 0; !issued && attempt < 20; attempt++) {
      const [code] = drawCodes(spec, 1);
      [issued] = await tx.query<{ id: string; code: string }>(
        `insert into coupon_codes (workspace_id, campaign_id, code, contact_id, issue_key, channel, channel_detail) values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing returning id, code`,
        [workspaceId, campaignId, code, contactId, issueKey, sharedThrough?.channel ?? null, sharedThrough?.channelDetail ?? null],
      );
    }
  }
  if (!issued) throw conflict('No free code could be drawn for this campaign: its codes are too short for how many there are. Choose a longer code length.', { campaignId }, 'codes_exhausted');
  if (contactId) {
    await recordEvents(tx, workspaceId, 'coupons', [
      {
        name: 'coupon.issued',
        contactId,
        occurredAt: now,
        messageId: `coupon.issued:${issueKey}`,
        properties: { campaign_id: campaignId, campaign_name: campaign.name, code: issued.code, channel: campaign.channel, cause: issueKey },
      },
    ]);
  }
  return { codeId: String(issued.id), code: issued.code, campaignId, campaignName: campaign.name, created: true };
}

export interface Batch {
  id: string;
  campaignId: string;
  requested: number;
  generated: number;
  state: 'running' | 'done' | 'failed';
  error: string | null;
  channel: string | null;
  channelDetail: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

const BATCH_COLUMNS = 'id, campaign_id as "campaignId", requested, generated, state, error, channel, channel_detail as "channelDetail", created_at as "createdAt", finished_at as "finishedAt"';

/** At most this many codes in one batch. */
export const MAX_BATCH = 5_000_000;

/** Records a batch of `count` unique codes to generate (the job does it); refused when the codes would be too easy to guess. */
export async function startBatch(db: SqlSession, workspaceId: string, campaignId: string, input: { count: number; channel?: string | null; channelDetail?: string | null }): Promise<Batch> {
  const campaign = await campaignById(db, workspaceId, campaignId);
  if (!campaign) throw notFound('The coupon campaign');
  if (campaign.codeKind !== 'unique') throw invalid('shared_campaign', 'This campaign has one shared code; generate codes for a campaign of unique codes.');
  if (!Number.isInteger(input.count) || input.count < 1 || input.count > MAX_BATCH)
    throw invalid('invalid_count', `A batch holds 1 to ${MAX_BATCH.toLocaleString('en')} codes.`, [{ path: 'count', message: `must be 1 to ${MAX_BATCH}` }]);
  const [{ existing }] = (await db.query<{ existing: string }>('select count(*) as existing from coupon_codes where campaign_id = $1', [campaignId])) as [{ existing: string }];
  const problem = roomFor(campaign.codeSpec ?? DEFAULT_CODE_SPEC, input.count + Number(existing));
  if (problem) throw invalid('codes_too_short', problem, [{ path: 'count', message: problem }]);
  const [batch] = await db.query<Batch>(
    `insert into coupon_batches (workspace_id, campaign_id, requested, channel, channel_detail) values ($1, $2, $3, $4, $5) returning ${BATCH_COLUMNS}`,
    [workspaceId, campaignId, input.count, input.channel ?? null, input.channelDetail?.trim() || null],
  );
  return batch!;
}

/** Inserts codes until the batch has them all, a chunk per transaction (a crash resumes where the last chunk ended). */
export async function generateBatch(db: Database, workspaceId: string, batchId: string, now: () => Date): Promise<Batch> {
  const [batch] = await db.query<Batch & { spec: CodeSpec | null }>(
    `select b.id, b.campaign_id as "campaignId", b.requested, b.generated, b.state, b.channel, b.channel_detail as "channelDetail", c.code_spec as spec
     from coupon_batches b join coupon_campaigns c on c.id = b.campaign_id where b.workspace_id = $1 and b.id = $2`,
    [workspaceId, batchId],
  );
  if (!batch) throw notFound('The batch');
  const spec = batch.spec ?? DEFAULT_CODE_SPEC;
  let generated = batch.generated;
  let dry = 0;
  while (batch.state === 'running' && generated < batch.requested) {
    const want = Math.min(CHUNK, batch.requested - generated);
    const codes = drawCodes(spec, want);
    const added = await db.transaction(async (tx) => {
      const rows = await tx.query<{ n: number }>(
        `with added as (
           insert into coupon_codes (workspace_id, campaign_id, code, channel, channel_detail, batch_id)
           select $1, $2, code, $4, $5, $3 from unnest($6::text[]) as code
           on conflict do nothing returning 1)
         select count(*)::int as n from added`,
        [workspaceId, batch.campaignId, batchId, batch.channel, batch.channelDetail, codes],
      );
      const n = rows[0]!.n;
      await tx.query('update coupon_batches set generated = generated + $2 where id = $1', [batchId, n]);
      return n;
    });
    generated += added;
    dry = added === 0 ? dry + 1 : 0;
    if (dry >= 5) {
      await db.query("update coupon_batches set state = 'failed', error = $2, finished_at = $3 where id = $1", [batchId, 'No new codes could be drawn: the codes are too short for how many there are.', now()]);
      break;
    }
  }
  if (generated >= batch.requested) await db.query("update coupon_batches set state = 'done', finished_at = $2 where id = $1 and state = 'running'", [batchId, now()]);
  const [done] = await db.query<Batch>(`select ${BATCH_COLUMNS} from coupon_batches where id = $1`, [batchId]);
  return done!;
}

export async function batchesOf(db: SqlSession, workspaceId: string, campaignId: string): Promise<Batch[]> {
  return db.query<Batch>(`select ${BATCH_COLUMNS} from coupon_batches where workspace_id = $1 and campaign_id = $2 order by created_at desc`, [workspaceId, campaignId]);
}
