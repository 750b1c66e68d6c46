// A Bluesky network on loopback for tests, from the atproto reference implementation's
// development environment (@atproto/dev-env): a PLC directory and a PDS, always; and the
// Bluesky AppView (notifications, post search) when a PostgreSQL answers, since the AppView
// keeps its index there (in a schema of its own, dropped at close). Started by each test file
// that needs it, stopped by it.
import { createServer, Socket } from 'node:net';
import { AtpAgent } from '@atproto/api';
import { mockNetworkUtilities, TestBsky, TestPds, TestPlc } from '@atproto/dev-env';
import pg from 'pg';

export interface BlueskyNetwork {
  /** The PDS: where accounts live and Rapport signs in. */
  pdsUrl: string;
  /** Whether the AppView runs (notifications, search): it needs PostgreSQL. */
  appView: boolean;
  /** A new account with an app password ready; its agent is signed in. */
  createUser(handle: string, options?: { displayName?: string }): Promise<{ agent: AtpAgent; did: string; handle: string; appPassword: string }>;
  /** Waits until the AppView has indexed everything the PDS has written. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

const DEFAULT_PG = 'postgres://postgres@127.0.0.1:5432/test';

/** The PostgreSQL the AppView may use: TEST_DATABASE_URL, else the usual local one when it answers. */
export async function postgresForAppView(): Promise<string | null> {
  const url = process.env.TEST_DATABASE_URL || process.env.BSKY_TEST_POSTGRES_URL || DEFAULT_PG;
  const { hostname, port } = new URL(url);
  const open = await new Promise<boolean>((resolve) => {
    const s = new Socket();
    s.setTimeout(500);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
    s.once('timeout', () => {
      s.destroy();
      resolve(false);
    });
    s.connect(Number(port || 5432), hostname);
  });
  return open ? url : null;
}

let counter = 0;

/** A port free on loopback right now. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startBlueskyNetwork(options: { appView?: boolean } = {}): Promise<BlueskyNetwork> {
  const pgUrl = options.appView === false ? null : await postgresForAppView();
  const plc = await TestPlc.create({});
  const pdsPort = await freePort();
  let bsky: TestBsky | null = null;
  // Letters only: the AppView refuses other characters in a schema's name.
  const schema = `rapport_bsky_${String.fromCharCode(...[...Array(10)].map(() => 97 + Math.floor(Math.random() * 26)))}${'abcdefghij'[counter++ % 10]}`;
  if (pgUrl) {
    bsky = await TestBsky.create({
      plcUrl: plc.url,
      pdsPort,
      repoProvider: `ws://localhost:${pdsPort}`,
      dbPostgresUrl: pgUrl,
      dbPostgresSchema: schema,
      // A fixed key, as dev-env's own network uses: the AppView's DID is the same every run.
      privateKey: '3f916c70dc69e4c5e83877f013325b11ecac31742e6a42f5c4fb240d0703d9d5=',
      // Typed as required, read by nothing TestBsky starts (it is the full network's cache).
      redisHost: undefined as unknown as string,
    });
  }
  const pds = await TestPds.create({
    port: pdsPort,
    didPlcUrl: plc.url,
    ...(bsky ? { bskyAppViewUrl: bsky.url, bskyAppViewDid: bsky.ctx.cfg.serverDid } : {}),
  });
  mockNetworkUtilities(pds, bsky ?? undefined);
  let users = 0;
  return {
    pdsUrl: pds.url,
    appView: Boolean(bsky),
    async createUser(handle, opts = {}) {
      const agent = new AtpAgent({ service: pds.url });
      await agent.createAccount({ handle, email: `user${++users}@example.com`, password: `password-${handle}` });
      const appPassword = (await agent.com.atproto.server.createAppPassword({ name: 'rapport' })).data.password;
      if (opts.displayName) await agent.upsertProfile((p) => ({ ...p, displayName: opts.displayName }));
      return { agent, did: agent.session!.did, handle: agent.session!.handle, appPassword };
    },
    async settle() {
      await pds.processAll();
      if (!bsky) return;
      // As dev-env's own network does: until the AppView's cursor has reached the PDS's last event.
      const last = await pds.ctx.sequencer.curr();
      const deadline = Date.now() + 10_000;
      while (last && Date.now() < deadline) {
        await bsky.sub.processAll();
        const cursor = await bsky.sub.runner.getCursor();
        if (cursor && cursor >= last) return;
        await new Promise((r) => setTimeout(r, 5));
      }
      if (last) throw new Error('The AppView did not index the PDS’s events within 10 s.');
    },
    async close() {
      await pds.close();
      if (bsky) {
        await bsky.close();
        const client = new pg.Client({ connectionString: pgUrl! });
        await client.connect();
        await client.query(`drop schema if exists ${schema} cascade`).catch(() => undefined);
        await client.end();
      }
      await plc.close();
    },
  };
}
