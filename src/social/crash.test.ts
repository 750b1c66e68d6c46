// A worker process killed after Bluesky accepted a post and before Rapport recorded it, then
// started again: the post is on the network once, and Rapport records it as published (it looks
// the post up under its key instead of posting again). Between the worker and the PDS sits a
// proxy that kills the worker the moment the PDS answers the post's createRecord.
import type { ChildProcess } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import { afterAll, expect, it } from 'vitest';
import { openRuntime } from '../app/runtime.ts';
import { loadConfig } from '../config.ts';
import { startBlueskyNetwork, type BlueskyNetwork } from '../testing/bluesky-network.ts';
import { exited, startWorker, until, workerHome, type WorkerHome } from '../testing/worker-process.ts';
import { createUserWithWorkspace } from '../workspaces/workspaces.ts';
import { connectAccount } from './accounts.ts';
import { createPost, schedulePost } from './posts.ts';

let net: BlueskyNetwork | undefined;
let proxy: Server | undefined;
let home: WorkerHome | undefined;
let worker: ChildProcess | undefined;

afterAll(async () => {
  worker?.kill('SIGKILL');
  await new Promise((r) => (proxy ? proxy.close(r) : r(null)));
  await net?.close();
  await home?.remove();
});

/** Forwards to the PDS; when `killOnPost` is set, the worker dies as soon as the PDS has accepted a post, before it hears the answer. */
function startProxy(target: string, state: { killOnPost: boolean; posts: number; lookups: number; onAccepted: () => Promise<void> }): Promise<{ server: Server; url: string }> {
  const { hostname, port } = new URL(target);
  const server = createServer((req, res) => {
    const upstream = request({ hostname, port, path: req.url, method: req.method, headers: req.headers }, async (up) => {
      const body: Buffer[] = [];
      for await (const chunk of up) body.push(chunk as Buffer);
      if (req.url?.startsWith('/xrpc/com.atproto.repo.getRecord') && req.url.includes('app.bsky.feed.post')) state.lookups++;
      if (req.url?.startsWith('/xrpc/com.atproto.repo.createRecord') && up.statusCode === 200) {
        state.posts++;
        if (state.killOnPost) {
          state.killOnPost = false;
          await state.onAccepted();
          res.destroy();
          return;
        }
      }
      res.writeHead(up.statusCode ?? 502, up.headers);
      res.end(Buffer.concat(body));
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` })));
}

it('a worker killed between Bluesky’s acceptance and the bookkeeping, restarted: one post on the network, recorded as published', { timeout: 240_000 }, async () => {
  net = await startBlueskyNetwork({ appView: false });
  const shop = await net.createUser('bakery.test');
  const state = {
    killOnPost: true,
    posts: 0,
    lookups: 0,
    onAccepted: async () => {
      worker!.kill('SIGKILL');
      await exited(worker!);
    },
  };
  const started = await startProxy(net.pdsUrl, state);
  proxy = started.server;

  // The PDS (through the proxy) listens on 127.0.0.1; a lease of 2 s, so the test need not wait long.
  home = await workerHome('social-crash', { RAPPORT_SOCIAL_LEASE_SECONDS: '2', RAPPORT_SOCIAL_ALLOW_PRIVATE: '1' });
  const config = { ...loadConfig(home.env), databaseUrl: home.url };
  const setup = await openRuntime(config, { command: 'test', work: false });
  let postId: string;
  let workspaceId: string;
  try {
    const { user, workspaceId: ws } = await createUserWithWorkspace(setup.ctx, { email: 'owner@example.com', name: 'Owner', password: 'correct horse battery staple', workspaceName: 'Bakery' });
    workspaceId = ws;
    const account = await connectAccount(setup.ctx, ws, user.id, { network: 'bluesky', serverUrl: started.url, identifier: 'bakery.test', secret: shop.appPassword });
    const post = await createPost(setup.ctx, ws, user.id, { text: 'Sourdough is out of the oven https://example.com/bread', accountIds: [account.id] });
    postId = post.id;
    // Published now: the job is queued for the worker.
    await schedulePost(setup.ctx, ws, post.id, null);
  } finally {
    await setup.close();
  }

  worker = startWorker(home.env);
  await until('the post to reach the PDS', async () => state.posts >= 1, 120_000);
  await exited(worker);
  expect(state.posts).toBe(1);
  // The lease of the dead worker runs out (2 s), then a new worker starts and takes the post up again.
  await new Promise((r) => setTimeout(r, 2500));
  const lookupsBefore = state.lookups;
  worker = startWorker(home.env);
  const records = async () => (await shop.agent.com.atproto.repo.listRecords({ repo: shop.did, collection: 'app.bsky.feed.post' })).data.records;
  // The new worker takes the post up (at its start, or at the next minute's round) and looks it up on the PDS.
  await until('the restarted worker to look the post up', async () => state.lookups > lookupsBefore, 90_000);
  // Time to record it, or to post it a second time were it to; a graceful stop lets the step end.
  await new Promise((r) => setTimeout(r, 1500));
  worker.kill('SIGTERM');
  await exited(worker);
  worker = undefined;

  expect(await records()).toHaveLength(1);
  expect(state.posts).toBe(1);
  const check = await openRuntime(config, { command: 'test', work: false });
  try {
    const rows = await check.ctx.db.query<{ state: string; attempts: number; remote_id: string }>('select state, attempts, remote_id from social_deliveries where workspace_id = $1 and post_id = $2', [
      workspaceId,
      postId,
    ]);
    expect(rows).toEqual([{ state: 'published', attempts: 2, remote_id: (await records())[0]!.uri }]);
  } finally {
    await check.close();
  }
});
