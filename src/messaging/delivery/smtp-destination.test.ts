// "Test connection" and sending must not turn Rapport into a port scanner or a banner grabber:
// link-local, metadata and unspecified addresses are refused, private ones unless the operator
// allows them, refused before any connection is made, and the far server's own words never
// reach the user.
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useHarness } from '../../testing/harness.ts';
import { closeTransports, senderFor } from './transport.ts';

const t = useHarness({ work: true });
const allowPrivate = (on: boolean) => {
  (t.h.ctx.config as { smtpAllowPrivate?: boolean }).smtpAllowPrivate = on;
};
afterEach(() => allowPrivate(true));

/** A TCP server on 127.0.0.1 that says `greeting` and answers every line with `reply`; counts connections. */
interface Peer {
  port: number;
  connections: number;
  close(): Promise<void>;
}
const peers: Peer[] = [];
async function peer(greeting: string, reply?: string): Promise<Peer> {
  const sockets = new Set<Socket>();
  const p = { port: 0, connections: 0, close: async () => undefined } as Peer;
  const server: Server = createServer((socket) => {
    p.connections++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    socket.write(greeting);
    socket.on('data', () => reply && socket.write(reply));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  p.port = (server.address() as AddressInfo).port;
  p.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  peers.push(p);
  return p;
}
afterAll(async () => {
  closeTransports();
  await Promise.all(peers.map((p) => p.close()));
});

let banner: Peer;
let greeter: Peer;
beforeAll(async () => {
  // Not SMTP at all: a database, a cache, an admin console…
  banner = await peer('SECRET-BANNER-7f3a service v1.2.3 ready\r\n', 'SECRET-BANNER-7f3a what?\r\n');
  // Says 220 like an SMTP server, then answers nothing the way one does.
  greeter = await peer('220 SECRET-GREETING-91c2 ESMTP\r\n', '502 SECRET-REPLY-91c2 unknown\r\n');
});

const from = { fromName: 'Acme', fromEmail: 'hello@acme.test', smtpSecurity: 'none' as const };

/** Settings written as they were saved before (DNS changed since, or the operator turned the setting off). */
async function storeSettings(workspaceId: string, host: string, port: number) {
  await t.h.db.query(
    `insert into email_settings (workspace_id, smtp_host, smtp_port, smtp_security, from_name, from_email, updated_at)
     values ($1, $2, $3, 'none', 'Acme', 'hello@acme.test', now())
     on conflict (workspace_id) do update set smtp_host = $2, smtp_port = $3, updated_at = now()`,
    [workspaceId, host, port],
  );
}

const PRIVATE_HINT = 'RAPPORT_SMTP_ALLOW_PRIVATE=1';

describe('where SMTP may connect', () => {
  it('without the operator setting, loopback and private addresses are refused before connecting, the same whatever the port', async () => {
    allowPrivate(false);
    const { client: api, workspaceId } = await t.h.signUp();
    const messages = new Set<string>();
    for (const port of [5432, banner.port, 25]) {
      const res = await api.put('/api/v1/email/settings', { ...from, smtpHost: '127.0.0.1', smtpPort: port });
      expect(res.status, `port ${port}`).toBe(400);
      expect(res.body.error.details).toEqual([{ path: 'body.smtpHost', message: expect.stringContaining('private network address') }]);
      expect(res.body.error.message).toContain(PRIVATE_HINT);
      messages.add(res.body.error.message);
    }
    expect(messages.size).toBe(1);

    for (const host of ['localhost', '[::1]', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '10.1.2.3', '172.20.0.1', '192.168.1.10', '100.64.0.1', '[fd12:3456::1]']) {
      const res = await api.put('/api/v1/email/settings', { ...from, smtpHost: host, smtpPort: 587 });
      expect(res.status, host).toBe(400);
      expect(res.body.error.message, host).toContain(PRIVATE_HINT);
    }

    // Saved before: the test refuses at connect time too, without opening a connection.
    const tested = new Set<string>();
    for (const port of [5432, banner.port]) {
      await storeSettings(workspaceId, '127.0.0.1', port);
      const res = await api.post('/api/v1/email/settings/test');
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(PRIVATE_HINT);
      expect(res.body.error.details[0].path).toBe('body.smtpHost');
      expect(JSON.stringify(res.body)).not.toContain('SECRET');
      tested.add(res.body.error.message);
    }
    expect(tested.size).toBe(1);
    expect(banner.connections).toBe(0);
  });

  it('link-local, cloud metadata, unspecified, multicast and broadcast addresses are refused even when private ones are allowed', async () => {
    allowPrivate(true);
    const { client: api, workspaceId } = await t.h.signUp();
    for (const host of ['169.254.169.254', '169.254.10.20', '[fd00:ec2::254]', '[::ffff:169.254.169.254]', '[::ffff:a9fe:a9fe]', '[fe80::1]', '0.0.0.0', '[::]', '224.0.0.1', '255.255.255.255', '[ff02::1]']) {
      const res = await api.put('/api/v1/email/settings', { ...from, smtpHost: host, smtpPort: 587 });
      expect(res.status, host).toBe(400);
      expect(res.body.error.details[0].path, host).toBe('body.smtpHost');
      // Nothing an operator could allow.
      expect(res.body.error.message, host).not.toContain(PRIVATE_HINT);
    }
    await storeSettings(workspaceId, '169.254.169.254', 80);
    const res = await api.post('/api/v1/email/settings/test');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/metadata/);
  });

  it('with private addresses allowed, a server that does not speak SMTP fails the test in plain words, none of them its own', async () => {
    allowPrivate(true);
    const { client: api } = await t.h.signUp();
    expect((await api.put('/api/v1/email/settings', { ...from, smtpHost: '127.0.0.1', smtpPort: banner.port })).status).toBe(200);
    const notSmtp = await api.post('/api/v1/email/settings/test');
    expect(notSmtp.status).toBe(400);
    expect(notSmtp.body.error.message).toContain('not an SMTP server');
    expect(JSON.stringify(notSmtp.body)).not.toContain('SECRET');
    expect(banner.connections).toBeGreaterThan(0);

    await api.put('/api/v1/email/settings', { smtpPort: greeter.port });
    const odd = await api.post('/api/v1/email/settings/test');
    expect(odd.status).toBe(400);
    expect(JSON.stringify(odd.body)).not.toContain('SECRET');

    // Nothing listening.
    const closed = await peer('');
    await closed.close();
    await api.put('/api/v1/email/settings', { smtpPort: closed.port });
    const refused = await api.post('/api/v1/email/settings/test');
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('could not connect');
  });

  it('connects to the address it checked, not to what the name resolves to later, and verifies TLS against the name', async () => {
    allowPrivate(true);
    const { client: api, workspaceId } = await t.h.signUp();
    expect((await api.put('/api/v1/email/settings', { ...from, smtpHost: 'localhost', smtpPort: banner.port })).status).toBe(200);
    const sender = await senderFor(t.h.ctx, workspaceId);
    const options = (sender.transport as unknown as { options: Record<string, unknown> }).options;
    expect(options).toMatchObject({ host: '127.0.0.1', port: banner.port, servername: 'localhost', tls: { servername: 'localhost' } });
    const before = banner.connections;
    const res = await api.post('/api/v1/email/settings/test');
    expect(res.body.error.message).toContain('not an SMTP server');
    expect(banner.connections).toBe(before + 1);
  });

  it('sending checks the destination too: refused without connecting, and a failure kept on the message is in plain words', async () => {
    allowPrivate(true);
    const { client: api, workspaceId } = await t.h.signUp();
    const tpl = (await api.post('/api/v1/email/templates', { name: 'T', subject: 'Hello', body: '<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body></mjml>' })).body;
    const lastError = async (id: string) => {
      for (let i = 0; i < 200; i++) {
        const [m] = await t.h.db.query<{ state: string; last_error: string | null }>('select state, last_error from email_messages where id = $1', [id]);
        if (m?.last_error) return m;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error('timed out waiting for the message to fail');
    };

    // A server that is not SMTP: the message's error does not carry its banner.
    await storeSettings(workspaceId, '127.0.0.1', banner.port);
    const before = banner.connections;
    const first = await api.post(`/api/v1/email/templates/${tpl.id}/test-send`, {});
    expect(first.status).toBe(202);
    const m1 = await lastError(first.body.messageId);
    expect(m1.last_error).toContain('not an SMTP server');
    expect(m1.last_error).not.toContain('SECRET');
    expect(banner.connections).toBeGreaterThan(before);

    // The operator turns private addresses off: the next message fails at once, nobody is contacted.
    allowPrivate(false);
    await storeSettings(workspaceId, '127.0.0.1', greeter.port);
    const greeted = greeter.connections;
    const second = await api.post(`/api/v1/email/templates/${tpl.id}/test-send`, {});
    const m2 = await lastError(second.body.messageId);
    expect(m2.state).toBe('failed');
    expect(m2.last_error).toContain('private network address');
    expect(greeter.connections).toBe(greeted);
  });
});
