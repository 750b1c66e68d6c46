// The same file imported again, this time by a running `rapport serve` (upload, start and
// the job in the server's own process, as a person does it in the web app), while another
// thread asks `GET /health` every 10 ms: how long the API leaves people waiting while an
// import runs. Used by bench/import.ts.
import { type ChildProcess, spawn } from 'node:child_process';
import { openAsBlob } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { createUserWithWorkspace } from '../src/workspaces/workspaces.ts';
import { createDefinition } from '../src/contacts/properties.ts';
import type { AppContext } from '../src/server/context.ts';
import { type HealthLatency, probeHealth } from '../src/testing/health-probe.ts';
import { createApiKey } from '../src/workspaces/apikeys.ts';
import { log } from './_setup.ts';

export interface HealthFigures {
  what: string;
  import_seconds: number;
  idle: HealthLatency;
  during_import: HealthLatency;
}

/** A second workspace with the bench's properties and an API key; call while the bench holds the database. */
export async function prepareHealthWorkspace(
  ctx: AppContext,
  properties: readonly (readonly [string, 'number' | 'date' | 'boolean' | 'enum' | 'string', readonly string[]])[],
): Promise<{ key: string }> {
  const { workspaceId } = await createUserWithWorkspace(ctx, {
    email: 'bench-health@example.com',
    name: 'Bench health',
    password: 'bench password 123',
    workspaceName: 'Bench health',
  });
  for (const [key, type, options] of properties) {
    await createDefinition(ctx, workspaceId, { key, label: key, description: '', type, options: [...options] });
  }
  const { key } = await createApiKey(ctx, workspaceId, null, { name: 'bench', scope: 'full' });
  return { key };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitForHealth(base: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`rapport serve exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('rapport serve did not answer /health within a minute');
}

/** Starts `rapport serve`, imports `file` through its API while probing /health, stops it. */
export async function importThroughServer(file: string, key: string, env: NodeJS.ProcessEnv, rows: number): Promise<HealthFigures> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['bin/rapport.js', 'serve', '--port', String(port)], {
    env: { ...env, HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitForHealth(base, child);
    const auth = { authorization: `Bearer ${key}` };
    // Idle first, as the reference of the same run.
    const idleProbe = probeHealth(base);
    await new Promise((r) => setTimeout(r, 3000));
    const idle = await idleProbe.stop();
    const probe = probeHealth(base);
    const started = performance.now();
    const form = new FormData();
    form.append('file', await openAsBlob(file), path.basename(file));
    const uploaded = await fetch(`${base}/api/v1/imports?kind=contacts`, { method: 'POST', headers: auth, body: form });
    const info = (await uploaded.json()) as { id: string; preview: { suggestedMapping: string[] } };
    if (uploaded.status !== 201) throw new Error(`upload: ${uploaded.status} ${JSON.stringify(info)}`);
    const start = await fetch(`${base}/api/v1/imports/${info.id}/start`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ mapping: info.preview.suggestedMapping, emailConsent: 'subscribed' }),
    });
    if (start.status !== 202) throw new Error(`start: ${start.status} ${await start.text()}`);
    let status: { status: string; createdCount: number; error: string | null };
    for (;;) {
      await new Promise((r) => setTimeout(r, 250));
      status = (await (await fetch(`${base}/api/v1/imports/${info.id}`, { headers: auth })).json()) as typeof status;
      if (status.status !== 'queued' && status.status !== 'running') break;
    }
    const seconds = (performance.now() - started) / 1000;
    const during = await probe.stop();
    if (status.status !== 'completed' || status.createdCount !== rows) throw new Error(`server import ended ${status.status}: ${status.error} (${status.createdCount} created)`);
    log(`through the server: ${seconds.toFixed(2)} s; /health idle p99 ${idle.p99} ms, during the import p50 ${during.p50} ms, p99 ${during.p99} ms, max ${during.max} ms`);
    return {
      what: 'the same file imported by `rapport serve` (upload, start, job) while GET /health is asked every 10 ms; latencies in ms',
      import_seconds: Number(seconds.toFixed(2)),
      idle,
      during_import: during,
    };
  } finally {
    child.kill('SIGINT');
    await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
  }
}
