// Helpers for the workflow tests: a workspace with contacts, events written as a tracked event
// would be (through the one event writer), workflows published from a graph, and what the
// engine did, read back.
import { expect } from 'vitest';
import { uuidv7 } from '../db/ids.ts';
import { insertEventsSql } from '../events/record.ts';
import type { WorkflowGraph } from '../workflows/graph.ts';
import { workflowRunsSettled } from '../workflows/engine/schedule.ts';
import { runWorkflows } from '../workflows/engine/tick.ts';
import { createWorkflow, publishWorkflow, updateWorkflow } from '../workflows/workflows.ts';
import type { Harness } from './harness.ts';

export interface Shop {
  workspaceId: string;
  userId: string;
  contact(fields?: { email?: string; firstName?: string; properties?: Record<string, unknown>; emailStatus?: string }): Promise<string>;
  /** Writes an event (a shop's own or Rapport's) as the tracking API would, at the clock's time unless given. */
  track(contactId: string, name: string, properties?: Record<string, unknown>, at?: Date): Promise<string>;
  template(name?: string): Promise<string>;
  list(name: string): Promise<string>;
  publish(name: string, graph: unknown, options?: { holdoutPercent?: number }): Promise<string>;
  run(): Promise<number>;
  enrollments(workflowId: string): Promise<{ contact_id: string; step: string | null; state: string; outcome: string | null; path: string[]; holdout: boolean; version: number; entry_key: string }[]>;
  messages(): Promise<{ contact_id: string; idempotency_key: string; kind: string; state: string }[]>;
  events(contactId: string, prefix?: string): Promise<{ name: string; properties: Record<string, unknown> }[]>;
}

let n = 0;

export async function openShop(h: Harness): Promise<Shop> {
  const owner = await h.signUp({ workspaceName: `Shop ${++n}` });
  const ws = owner.workspaceId;
  const api = owner.client;
  return {
    workspaceId: ws,
    userId: owner.userId,
    async contact(fields = {}) {
      const res = await api.post('/api/v1/contacts', { email: fields.email ?? `c${uuidv7().slice(-12)}@example.com`, emailStatus: fields.emailStatus ?? 'subscribed', ...fields });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.id as string;
    },
    async track(contactId, name, properties = {}, at = h.clock.now()) {
      const id = uuidv7();
      await h.db.query(
        insertEventsSql(`select $1::uuid, $2::uuid, $3::text, $4::jsonb, $5::timestamptz, $5::timestamptz, 'tracking', $6::text`),
        [ws, contactId, name, JSON.stringify(properties), at, `test:${id}`],
      );
      return id;
    },
    async template(name = 'Hello') {
      const res = await api.post('/api/v1/email/templates', {
        name: `${name} ${uuidv7().slice(-6)}`,
        subject: 'Hi {{ contact.first_name }}',
        body: '<mjml><mj-body><mj-section><mj-column><mj-text>Hello {{ contact.first_name }}</mj-text></mj-column></mj-section></mj-body></mjml>',
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.id as string;
    },
    async list(name) {
      const res = await api.post('/api/v1/segments', { name, kind: 'list' });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body.id as string;
    },
    async publish(name, graph, options = {}) {
      const w = await createWorkflow(h.ctx, ws, owner.userId, { name, graph: graph as WorkflowGraph, holdoutPercent: options.holdoutPercent });
      await publishWorkflow(h.ctx, ws, w.id, owner.userId);
      return w.id;
    },
    async run() {
      // Passes the writes scheduled themselves are let finish first (they see the same clock).
      await workflowRunsSettled();
      const moved = (await runWorkflows(h.ctx, ws)).moved;
      await workflowRunsSettled();
      return moved;
    },
    async enrollments(workflowId) {
      return h.db.query(
        `select e.contact_id, e.step, e.state, e.outcome, e.path, e.holdout, v.number as version, e.entry_key
         from workflow_enrollments e join workflow_versions v on v.id = e.version_id where e.workflow_id = $1 order by e.entered_at, e.id`,
        [workflowId],
      );
    },
    async messages() {
      return h.db.query("select contact_id, idempotency_key, kind, state from email_messages where workspace_id = $1 and kind in ('workflow', 'transactional') order by created_at, id", [ws]);
    },
    async events(contactId, prefix = 'workflow.') {
      return h.db.query('select name, properties from events where workspace_id = $1 and contact_id = $2 and starts_with(name, $3) order by occurred_at, id', [ws, contactId, prefix]);
    },
  };
}

/** Replaces a workflow's draft and publishes it as the next version. */
export async function republish(h: Harness, shop: Shop, workflowId: string, graph: unknown, mapping?: Record<string, string>) {
  await updateWorkflow(h.ctx, shop.workspaceId, workflowId, { graph: graph as WorkflowGraph });
  return publishWorkflow(h.ctx, shop.workspaceId, workflowId, shop.userId, { mapping });
}
