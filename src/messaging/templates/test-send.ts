// A test send: a template mailed to the person asking, rendered as a chosen contact (or with
// no data), through the workspace's SMTP server or into the outbox when it has none. It goes
// to a colleague, not to the contact: no tracking (their opens and clicks would count for no
// one, and the links stay the real ones to check), preview unsubscribe links, no consent
// check. It is delivered like every single message (send.ts): built on the MIME threads.
import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../server/context.ts';
import { badRequest } from '../../errors.ts';
import { queueMessage } from '../delivery/send.ts';
import { previewTemplate } from './preview.ts';

export async function testSend(ctx: AppContext, workspaceId: string, userId: string | null, id: string, contactId?: string): Promise<{ messageId: string; to: string }> {
  if (!userId) throw badRequest('A test send goes to the signed-in person: use the web app, not an API key.', [{ path: 'auth', message: 'needs a signed-in user' }]);
  const [user] = await ctx.db.query<{ email: string }>('select email from users where id = $1', [userId]);
  const rendered = await previewTemplate(ctx, workspaceId, id, contactId);
  const messageId = await queueMessage(ctx, workspaceId, {
    contactId: null,
    templateId: id,
    kind: 'test',
    idempotencyKey: `test:${randomUUID()}`,
    to: user!.email,
    subject: `[Test] ${rendered.subject}`,
    html: rendered.html,
    text: rendered.text,
  });
  return { messageId, to: user!.email };
}
