// A workspace with many contacts enrolled in a workflow that sends an email and then calls a
// webhook (the workflow crash test): contacts with names and properties written in one
// statement, a personalized MJML template, SMTP settings pointing at a sink, the workflow
// published with a manual trigger, and every contact enrolled by hand. Nothing is run: the
// engine's pass, the sends and the calls are left to whichever worker takes the jobs.
import { saveEmailSettings } from '../messaging/delivery/transport.ts';
import { STARTERS } from '../messaging/templates/starters.ts';
import { createTemplate } from '../messaging/templates/templates.ts';
import type { AppContext } from '../server/context.ts';
import { workflowGraph } from '../workflows/graph.ts';
import { createWorkflow, enrollContacts, publishWorkflow } from '../workflows/workflows.ts';
import { createUserWithWorkspace } from '../workspaces/workspaces.ts';

export interface SeededWorkflow {
  workspaceId: string;
  workflowId: string;
  /** The steps of the graph: the send, then the webhook, then the end. */
  steps: { send: string; webhook: string };
}

/** Contacts enrolled per call (each call is one transaction). */
const ENROLL_CHUNK = 2_500;

export async function seedWorkflow(ctx: AppContext, options: { contacts: number; smtpPort: number; webhookUrl: string }): Promise<SeededWorkflow> {
  const { user, workspaceId } = await createUserWithWorkspace(ctx, {
    email: `flow-${Date.now()}@example.com`,
    password: 'workflow load test password',
    name: 'Flow',
    workspaceName: 'Flow & Co',
  });
  await ctx.db.query(
    `insert into contacts (workspace_id, email, email_status, first_name, last_name, properties)
     select $1, 'flow' || i || '@example.com', 'subscribed', case when i % 10 = 0 then null else 'Name' || i end, 'Last' || i,
            jsonb_build_object('loyalty_points', i % 5000, 'loyalty_tier', (array['bronze', 'silver', 'gold'])[1 + i % 3])
     from generate_series(1, $2::int) i`,
    [workspaceId, options.contacts],
  );
  const starter = STARTERS.find((s) => s.key === 'loyalty_summary')!;
  const template = await createTemplate(ctx, workspaceId, null, { ...starter.template, defaults: { ...starter.template.defaults, 'contact.first_name': 'there' } });
  await saveEmailSettings(ctx, workspaceId, { smtpHost: '127.0.0.1', smtpPort: options.smtpPort, smtpSecurity: 'none', fromName: 'Flow & Co', fromEmail: 'journeys@flow.test' });
  const steps = { send: 'mail', webhook: 'hook' };
  const workflow = await createWorkflow(ctx, workspaceId, user.id, {
    name: 'Loyalty journey',
    // Parsed as an API request would be: the steps' defaults filled in.
    graph: workflowGraph.parse({
      trigger: { kind: 'manual' },
      reentry: { policy: 'once' },
      start: steps.send,
      steps: {
        [steps.send]: { kind: 'send_email', templateId: template.id, next: steps.webhook },
        [steps.webhook]: { kind: 'webhook', url: options.webhookUrl, next: null },
      },
    }),
  });
  await publishWorkflow(ctx, workspaceId, workflow.id, user.id);
  const contacts = await ctx.db.query<{ id: string }>('select id from contacts where workspace_id = $1 order by id', [workspaceId]);
  const ids = contacts.map((c) => c.id);
  for (let i = 0; i < ids.length; i += ENROLL_CHUNK) {
    const { enrolled } = await enrollContacts(ctx, workspaceId, workflow.id, { contactIds: ids.slice(i, i + ENROLL_CHUNK) }, `load-${i}`);
    if (enrolled !== Math.min(ENROLL_CHUNK, ids.length - i)) throw new Error(`only ${enrolled} of a chunk of contacts were enrolled`);
  }
  return { workspaceId, workflowId: workflow.id, steps };
}
