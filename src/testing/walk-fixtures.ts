// What the route walker (src/server/hostile-routes.test.ts) walks in: a workspace with one of
// everything, so that a hostile value in one field of an otherwise valid request reaches as
// deep into its handler as it can; and the plausible values of path parameters and fields.
import { expect } from 'vitest';
import { createUser } from '../accounts/accounts.ts';
import type { RouteInfo } from '../app/app.ts';
import { addMember } from '../workspaces/workspaces.ts';
import type { ApiClient } from './client.ts';
import type { Harness, Member } from './harness.ts';
import type { PlausibleHints } from './hostile.ts';

export const MISSING_ID = '01a206a7-2d0a-790a-b933-c4c4833a7dfd';
const MJML = '<mjml><mj-body><mj-section><mj-column><mj-text>Hi {{ contact.first_name }}</mj-text></mj-column></mj-section></mj-body></mjml>';

export interface Fixtures {
  owner: Member;
  session: ApiClient;
  fullKey: ApiClient;
  ingestKey: ApiClient;
  memberId: string;
  contactId: string;
  sentinelId: string;
  segmentId: string;
  sentinelSegmentId: string;
  listId: string;
  templateId: string;
  topicId: string;
  broadcastId: string;
  webhookSecret: string;
}

async function created(res: Promise<{ status: number; body: any }>): Promise<any> {
  const r = await res;
  expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
  return r.body;
}

export async function setUpWalk(h: Harness): Promise<Fixtures> {
  const owner = await h.signUp();
  const c = owner.client;
  const member = await createUser(h.ctx, { email: `member-${process.pid}@example.com`, name: 'Member', password: 'member password 123' });
  await addMember(h.ctx, owner.workspaceId, member.id, 'marketer');
  await created(c.post('/api/v1/properties', { key: 'note', label: 'Note', type: 'string' }));
  const contact = await created(c.post('/api/v1/contacts', { email: 'target@example.com', firstName: 'Target', properties: { note: 'walked' } }));
  const sentinel = await created(c.post('/api/v1/contacts', { email: 'sentinel@example.com', firstName: 'Sentinel', lastName: 'Kept', properties: { note: 'keep me' } }));
  const byEmail = { kind: 'group', op: 'and', children: [{ kind: 'field', field: 'email', op: 'contains', value: 'example.com' }] };
  const segment = await created(c.post('/api/v1/segments', { name: 'Walked', definition: byEmail }));
  const sentinelSegment = await created(c.post('/api/v1/segments', { name: 'Sentinel segment', description: 'keep me', definition: byEmail }));
  const list = await created(c.post('/api/v1/segments', { name: 'Walked list', kind: 'list' }));
  const template = await created(c.post('/api/v1/email/templates', { name: 'Walked', subject: 'Hello {{ contact.first_name }}', body: MJML }));
  const topic = await created(c.post('/api/v1/email/topics', { name: 'News' }));
  const broadcast = await created(c.post('/api/v1/email/broadcasts', { name: 'Walked', templateId: template.id, segmentId: segment.id }));
  await created(c.put('/api/v1/email/snippets/footer', { body: 'Bye' }));
  const hooks = await created(c.get('/api/v1/email/webhooks'));
  const webhookSecret = /\/hooks\/email\/([^/]+)\//.exec(JSON.stringify(hooks))?.[1] ?? 'unknown';
  return {
    owner,
    session: c,
    fullKey: (await h.apiKey(owner.workspaceId, 'full')).client,
    ingestKey: (await h.apiKey(owner.workspaceId, 'ingest')).client,
    memberId: member.id,
    contactId: contact.id,
    sentinelId: sentinel.id,
    segmentId: segment.id,
    sentinelSegmentId: sentinelSegment.id,
    listId: list.id,
    templateId: template.id,
    topicId: topic.id,
    broadcastId: broadcast.id,
    webhookSecret,
  };
}

/** A value for a path parameter that names something that exists (DELETE: something that does not). */
export function pathValue(fx: Fixtures, route: RouteInfo, name: string): string {
  if (name === '*') return 'index.html';
  if (name === 'secret') return fx.webhookSecret;
  if (name === 'token') return route.url.startsWith('/api/') ? 'x'.repeat(24) : 'preview';
  if (name === 'key') return route.method === 'DELETE' ? 'missing_key' : 'note';
  if (name === 'name') return route.method === 'DELETE' ? 'missing' : 'footer';
  if (name === 'email') return 'missing@example.com';
  if (name === 'userId') return fx.memberId;
  if (route.method === 'DELETE') return MISSING_ID;
  const url = route.url;
  if (url.startsWith('/api/v1/contacts/')) return fx.contactId;
  if (url.startsWith('/api/v1/segments/:id/members') && route.method === 'POST') return fx.listId;
  if (url.startsWith('/api/v1/segments/')) return fx.segmentId;
  if (url.startsWith('/api/v1/email/templates/')) return fx.templateId;
  if (url.startsWith('/api/v1/email/broadcasts/')) return fx.broadcastId;
  if (url.startsWith('/api/v1/email/topics/')) return fx.topicId;
  return MISSING_ID;
}

/** Values for body fields by name: the ids of what exists, fields and events that are known. */
export function plausibleHints(fx: Fixtures): PlausibleHints {
  return {
    byName: {
      templateId: fx.templateId,
      segmentId: fx.segmentId,
      topicId: fx.topicId,
      contactId: fx.contactId,
      contactIds: [fx.contactId],
      ids: [MISSING_ID],
      workspaceId: fx.owner.workspaceId,
      field: 'email',
      property: 'note',
      event: 'purchase',
      email: 'walker@example.com',
      currentPassword: 'not the password',
      currency: 'GBP',
      body: MJML,
      // Mail goes to the outbox: a walked SMTP host would be looked up and connected to.
      smtpHost: null,
    },
  };
}
