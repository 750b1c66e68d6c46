import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { workspaceOf } from '../../server/request.ts';
import type { AppContext } from '../../server/context.ts';
import { AppError } from '../../server/errors.ts';
import { recordBounce, recordComplaint } from './feedback.ts';
import { webhookUrls as webhookUrlsShape } from '../webhook-contract.ts';
import { type FeedbackAction, readGeneric, readPostmark, readSes, rotateWebhookSecret, webhookUrls, workspaceForSecret } from './webhooks.ts';

async function apply(ctx: AppContext, workspaceId: string, actions: FeedbackAction[]) {
  const result = { applied: 0, duplicates: 0, ignored: 0 };
  for (const action of actions) {
    if (action.kind === 'ignore') {
      result.ignored++;
      continue;
    }
    const outcome = action.kind === 'bounce' ? await recordBounce(ctx, workspaceId, action.input) : await recordComplaint(ctx, workspaceId, action.input);
    if (outcome.status === 'applied') result.applied++;
    else result.duplicates++;
  }
  return result;
}

/** Confirms an SNS subscription at the URL readSes checked (SNS's own endpoint); redirects are not followed. */
async function confirmSubscription(url: URL): Promise<void> {
  let status: number;
  try {
    const res = await fetch(url, { method: 'GET', redirect: 'manual', signal: AbortSignal.timeout(10_000) });
    status = res.status;
    await res.body?.cancel();
  } catch (err) {
    throw new AppError(502, 'confirmation_failed', `Could not reach Amazon SNS to confirm the subscription (${(err as Error).message}); SNS will send the confirmation again, or confirm it in the AWS console.`);
  }
  if (status < 200 || status >= 300) {
    throw new AppError(502, 'confirmation_failed', `Amazon SNS refused the subscription confirmation (HTTP ${status}); confirm it in the AWS console.`);
  }
}

/**
 * Bounce and complaint webhooks (/hooks/email/<secret>/generic|postmark|ses), public by design:
 * the secret in the path is the credential (an unknown one is a 404 before the body is read).
 */
export function emailWebhookRoutes(ctx: AppContext): FastifyPluginAsync {
  return async (app) => {
    // SNS posts its JSON as text/plain; here any text body is read as JSON (only in this plugin).
    app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_req, body, done) => {
      const text = String(body);
      if (text.trim() === '') return done(new AppError(400, 'invalid_json', 'The request body is empty; send a JSON object.'));
      try {
        done(null, JSON.parse(text));
      } catch (err) {
        done(new AppError(400, 'invalid_json', `The request body is not valid JSON: ${(err as Error).message}`));
      }
    });

    const workspaceOfHook = new WeakMap<FastifyRequest, string>();
    app.addHook('onRequest', async (req) => {
      const secret = (req.params as { secret?: string }).secret ?? '';
      const workspaceId = await workspaceForSecret(ctx, secret);
      if (!workspaceId) throw new AppError(404, 'not_found', 'This webhook URL is not recognized: copy it again from the email settings (its secret may have been rotated).');
      workspaceOfHook.set(req, workspaceId);
    });
    const workspace = (req: FastifyRequest) => workspaceOfHook.get(req)!;
    const config = { access: 'public' as const };
    const schema = (summary: string) => ({ tags: ['Email webhooks'], summary, security: [] });

    app.post<{ Params: { secret: string }; Body: unknown }>(
      '/hooks/email/:secret/generic',
      { config, schema: schema('Bounces and complaints as {type, email, messageId?, bounceType?, reason?} or an array of up to 1000') },
      async (req) => apply(ctx, workspace(req), readGeneric(req.body)),
    );
    app.post<{ Params: { secret: string }; Body: unknown }>(
      '/hooks/email/:secret/postmark',
      { config, schema: schema("Postmark's bounce and spam complaint webhooks") },
      async (req) => apply(ctx, workspace(req), readPostmark(req.body)),
    );
    app.post<{ Params: { secret: string }; Body: unknown }>(
      '/hooks/email/:secret/ses',
      { config, schema: schema('Amazon SES bounce and complaint notifications through an SNS HTTPS subscription') },
      async (req) => {
        const read = readSes(req.body);
        if (read.kind === 'confirm') {
          await confirmSubscription(read.subscribeUrl);
          return { confirmed: true };
        }
        return apply(ctx, workspace(req), read.actions);
      },
    );
  };
}

const tags = ['Email'];
const admin = { role: 'admin' as const };

/** The webhook URLs, and a new secret for them (/api/v1/email/…). */
export function emailFeedbackRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/email/webhooks',
      { config: admin, schema: { tags, summary: 'Where email providers post bounces and complaints (generic JSON, Postmark, Amazon SES through SNS)', response: { 200: webhookUrlsShape } } },
      async (req) => webhookUrls(ctx, workspaceOf(req).workspaceId),
    );
    app.post(
      '/email/webhooks/rotate',
      { config: admin, schema: { tags, summary: 'A new secret for the webhook URLs (the old URLs stop working at once)', response: { 200: webhookUrlsShape } } },
      async (req) => rotateWebhookSecret(ctx, workspaceOf(req).workspaceId),
    );
  };
}
