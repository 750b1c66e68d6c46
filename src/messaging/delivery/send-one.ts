// The send of one template to one contact: what workflows, surveys and loyalty notifications
// send through. It does what a broadcast does for each of its recipients, with the same code:
// - the contact is checked by the rule every send shares (consent/eligibility.ts: consent,
//   the topic, the suppression list); who may not get it is skipped with the reason, and
//   nothing is written;
// - the template is rendered through a prepared template (templates/prepared.ts) with the
//   same merge data (templates/merge-data.ts), links and open and click tracking;
// - the message is queued under the caller's idempotency key (unique per workspace: the same
//   cause again returns the first message, concurrent calls included) with its `email.send`
//   job, which builds the MIME on a worker thread and sends it (send.ts, mail.ts), checking
//   consent once more just before it leaves.
// Nothing here is shaped by HTTP: problems are SendErrors with a code.
import { DomainError, type ErrorKind } from '../../errors.ts';
import { uuidv7 } from '../../db/ids.ts';
import { purchaseSummary } from '../../purchases/summary.ts';
import type { AppContext } from '../../server/context.ts';
import { eligibilitySql, type LeftOut, type SkipReason, skipReason } from '../consent/eligibility.ts';
import { baseUrl } from '../consent/unsubscribe.ts';
import { type ContactMergeRow, contactMergeColumns, contactMergeOfRow, moduleMergeData, workspaceMergeData } from '../templates/merge-data.ts';
import { renderOne } from '../templates/prepared.ts';
import { type RenderData, TemplateError, type TemplateIssue, type TemplateSource } from '../templates/render.ts';
import { snippetMap } from '../templates/snippets.ts';
import { addTracking, trackingLinks } from '../tracking/tracking.ts';
import { enqueueMessage } from './send.ts';
import { messageLinks } from './links.ts';

export interface SendToContact {
  workspaceId: string;
  contactId: string;
  templateId: string;
  /**
   * What caused the message, unique in the workspace ("workflow:<run>:<step>"): a second call
   * with it returns the first call's message and sends nothing.
   */
  idempotencyKey: string;
  /** The subscription topic the message is about: contacts who left it are skipped. */
  topicId?: string | null;
  /**
   * A message the contact needs whatever their marketing consent (a receipt, a notice they
   * asked for): consent and topics are not asked, unsubscribe headers are left out; addresses
   * that bounced, complained or were erased still get nothing.
   */
  transactional?: boolean;
  /**
   * More for the template to read, by name: `event` (what triggered the send:
   * {{ event.properties.order_id }}) or a name of the caller's (`survey`, `points`).
   * `contact`, `workspace` and `links` are Rapport's and cannot be replaced.
   */
  data?: Record<string, unknown>;
}

export type SendOutcome =
  /** A message is queued for this key: by this call, or (repeated) by an earlier one. */
  | { status: 'queued'; messageId: string; repeated: boolean }
  /** Nothing was queued or written: `reason` for programs, `detail` for people. */
  | { status: 'skipped'; reason: SkipReason; detail: string };

export type SendErrorCode = 'template_not_found' | 'topic_not_found' | 'template_failed' | 'key_in_use' | 'invalid_key';

/** A send that cannot be made as asked (a step's configuration to fix, not a contact to skip). */
export class SendError extends DomainError {
  constructor(
    override readonly code: SendErrorCode,
    message: string,
    /** For template_failed: where in the template. */
    readonly issues?: TemplateIssue[],
  ) {
    super(SEND_ERROR_KIND[code], code, message, issues);
    this.name = 'SendError';
  }
}

const SEND_ERROR_KIND: Record<SendErrorCode, ErrorKind> = {
  template_not_found: 'not_found',
  topic_not_found: 'not_found',
  template_failed: 'invalid',
  key_in_use: 'conflict',
  invalid_key: 'invalid',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type ContactRow = ContactMergeRow & { email_status: string; left_out: LeftOut | null; why: string | null };

export async function sendToContact(ctx: AppContext, input: SendToContact): Promise<SendOutcome> {
  const { workspaceId, contactId, templateId, idempotencyKey } = input;
  const transactional = input.transactional ?? false;
  const topicId = input.topicId ?? null;
  if (!idempotencyKey || idempotencyKey.length > 500) throw new SendError('invalid_key', 'An idempotency key of 1 to 500 characters names what caused the message.');

  // The same cause again: the first call's message, whatever became of it.
  const [first] = await ctx.db.query<{ id: string; contact_id: string | null }>('select id, contact_id from email_messages where workspace_id = $1 and idempotency_key = $2', [
    workspaceId,
    idempotencyKey,
  ]);
  if (first) {
    if (first.contact_id?.toLowerCase() !== contactId.toLowerCase()) throw new SendError('key_in_use', `The idempotency key "${idempotencyKey}" was used for a message to another contact.`);
    return { status: 'queued', messageId: first.id, repeated: true };
  }

  // What the step asks for must exist, whoever the contact is.
  const [template] = UUID.test(templateId)
    ? await ctx.db.query<TemplateSource>('select subject, preheader, body, defaults from email_templates where workspace_id = $1 and id = $2', [workspaceId, templateId])
    : [];
  if (!template) throw new SendError('template_not_found', 'The template does not exist in this workspace (it may have been deleted).');
  if (topicId !== null && !transactional) {
    const known = UUID.test(topicId) && (await ctx.db.query('select 1 from email_topics where workspace_id = $1 and id = $2', [workspaceId, topicId])).length > 0;
    if (!known) throw new SendError('topic_not_found', 'The topic does not exist in this workspace (it may have been deleted).');
  }

  // Whether the contact may get it: the rule broadcasts use, and the merge fields, in one read.
  const e = eligibilitySql({ workspace: '$1', topic: '$3', transactional });
  const [c] = UUID.test(contactId)
    ? await ctx.db.query<ContactRow>(
        `select ${contactMergeColumns('c')}, c.email_status, ${e.leftOut} as left_out, ${e.why} as why
         from contacts c
         ${e.join}
         where c.workspace_id = $1 and c.id = $2`,
        transactional ? [workspaceId, contactId] : [workspaceId, contactId, topicId],
      )
    : [];
  if (!c) return { status: 'skipped', reason: 'no_contact', detail: 'the contact does not exist in this workspace' };
  if (c.left_out) return { status: 'skipped', reason: skipReason(c.left_out, c.email_status, transactional), detail: c.why ?? c.left_out };

  // The id is chosen here, since the tracking and survey links carry it; a call that loses the
  // race for the key gets the winner's message and its own is never written.
  const id = uuidv7();
  const data = {
    ...(await moduleMergeData(ctx, workspaceId, [contactId])).get(contactId),
    ...input.data,
    contact: contactMergeOfRow(contactId, c, await purchaseSummary(ctx.db, workspaceId, contactId)),
    workspace: await workspaceMergeData(ctx, workspaceId),
    links: messageLinks(ctx, workspaceId, contactId, id),
  } as RenderData;
  let rendered;
  try {
    rendered = await renderOne(template, await snippetMap(ctx, workspaceId), data);
  } catch (err) {
    if (err instanceof TemplateError) throw new SendError('template_failed', `The template could not be rendered for this contact: ${err.message}`, err.issues);
    throw err;
  }

  const base = baseUrl(ctx);
  const queued = await enqueueMessage(ctx, workspaceId, {
    id,
    contactId,
    templateId,
    kind: transactional ? 'transactional' : 'workflow',
    idempotencyKey,
    to: c.email!,
    subject: rendered.subject,
    html: addTracking(rendered.html, trackingLinks(ctx.secret, base, id), base),
    text: rendered.text,
  });
  return { status: 'queued', messageId: queued.id, repeated: !queued.inserted };
}
