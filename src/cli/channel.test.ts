// The local channel through which `rapport` commands run inside the process that holds the
// embedded database: same handlers, the server's context, the caller's output and exit code.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useHarness } from '../testing/harness.ts';
import { type CallerStreams, type CliChannel, channelPath, runThroughServer, startCliChannel } from './channel.ts';
import { buildProgram } from './main.ts';

const t = useHarness();
const dataDir = mkdtempSync(path.join(tmpdir(), 'rapport-channel-'));
const SECRET = 'test-secret-0123456789abcdef0123456789';
let channel: CliChannel;

// Commands that exist only here, to watch the mechanism itself.
function buildWithProbes(): Command {
  const program = buildProgram();
  const probe = program.command('probe');
  probe.command('file <file>').action((file: string) => void process.stdout.write(`${file}\n`));
  probe.command('slow <word>').action(async (word: string) => {
    process.stderr.write(`starting ${word}\n`);
    await new Promise((r) => setTimeout(r, 200));
    process.stdout.write(`${word} (tty: ${Boolean(process.stderr.isTTY)}, columns: ${process.stderr.columns})\n`);
  });
  probe.command('exit-code').action(() => {
    process.stdout.write('failing softly\n');
    process.exitCode = 3;
  });
  return program;
}

beforeAll(async () => {
  channel = await startCliChannel(t.h.ctx, dataDir, buildWithProbes);
});
afterAll(async () => {
  await channel?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function run(argv: string[], options: { cwd?: string; secret?: string; tty?: boolean } = {}) {
  const result = { out: '', err: '', code: -1 };
  const streams: CallerStreams = {
    out: (s) => void (result.out += s),
    err: (s) => void (result.err += s),
    tty: { out: false, err: options.tty ?? false },
    columns: options.tty ? 120 : undefined,
  };
  result.code = await runThroughServer(dataDir, options.secret ?? SECRET, argv, options.cwd ?? dataDir, streams);
  return result;
}

describe('rapport commands through the running server', () => {
  it('listens on a socket in the data directory that only its owner may open', () => {
    expect(channel.path).toBe(path.join(dataDir, 'rapport.sock'));
    expect(channelPath(dataDir)).toBe(channel.path);
    const stat = statSync(channel.path);
    expect(stat.isSocket()).toBe(true);
    expect(stat.mode & 0o777).toBe(0o600);
    // A data directory too deep for a socket path gets one in the temp folder, the same on both ends.
    const deep = path.join(dataDir, 'x'.repeat(120));
    expect(channelPath(deep)).toMatch(new RegExp(`^${tmpdir()}/rapport-[0-9a-f]{16}\\.sock$`));
  });

  it('runs a command with the server’s database and returns what it prints', async () => {
    const owner = await t.h.signUp({ workspaceName: 'Corner Shop' });
    const listed = await run(['workspace', 'list', '--user', owner.email, '--json']);
    expect(listed).toMatchObject({ code: 0, err: '' });
    expect(JSON.parse(listed.out)).toEqual([{ id: owner.workspaceId, name: 'Corner Shop', role: 'owner' }]);

    const changed = await run(['user', 'password', '--email', owner.email, '--password', 'changed through the channel']);
    expect(changed).toMatchObject({ code: 0, out: `New password set for ${owner.email}; their sessions were ended.\n` });
    const anon = t.h.anonymous();
    expect((await anon.post('/api/v1/session', { email: owner.email, password: 'changed through the channel' })).status).toBe(200);
    expect((await owner.client.get('/api/v1/session')).status).toBe(401);
  });

  it('returns errors and usage mistakes with exit code 1, and the server carries on', async () => {
    const unknown = await run(['user', 'password', '--email', 'ghost@example.com', '--password', 'long enough password']);
    expect(unknown).toEqual({ code: 1, out: '', err: 'rapport: No user has the email ghost@example.com.\n' });
    const usage = await run(['apikey', 'create', '--workspace', 'Corner Shop', '--scope', 'everything']);
    expect(usage.code).toBe(1);
    expect(usage.err).toMatch(/Allowed choices are full, ingest/);
    const help = await run(['user', 'password', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: rapport user password [options]');
    const serve = await run(['serve']);
    expect(serve.code).toBe(1);
    expect(serve.err).toContain('cannot run through the running server');
    expect((await run(['workspace', 'list', '--json'])).code).toBe(0);
  });

  it('reads file arguments relative to the caller’s working directory, and passes an exit code set by a command', async () => {
    const callerDir = mkdtempSync(path.join(tmpdir(), 'rapport-caller-'));
    try {
      writeFileSync(path.join(callerDir, 'people.csv'), 'email\nann@example.com\n');
      expect((await run(['probe', 'file', 'people.csv'], { cwd: callerDir })).out).toBe(`${path.join(callerDir, 'people.csv')}\n`);
      expect((await run(['probe', 'file', '/elsewhere/x.csv'], { cwd: callerDir })).out).toBe('/elsewhere/x.csv\n');
    } finally {
      rmSync(callerDir, { recursive: true, force: true });
    }
    const before = process.exitCode;
    expect(await run(['probe', 'exit-code'])).toEqual({ code: 3, out: 'failing softly\n', err: '' });
    expect(process.exitCode).toBe(before);
  });

  it('keeps the output of commands running at the same time apart, with each caller’s terminal', async () => {
    const [a, b] = await Promise.all([run(['probe', 'slow', 'alpha'], { tty: true }), run(['probe', 'slow', 'beta'])]);
    expect(a).toEqual({ code: 0, err: 'starting alpha\n', out: 'alpha (tty: true, columns: 120)\n' });
    expect(b.out).toBe(`beta (tty: false, columns: undefined)\n`);
    expect(b.err).toBe('starting beta\n');
  });

  it('runs nothing for a caller that does not know the instance secret', async () => {
    await expect(run(['user', 'create', '--email', 'intruder@example.com', '--password', 'long enough password', '--workspace', 'Mine'], { secret: 'another-secret-0123456789abcdef0123' })).rejects.toThrow(
      /does not know this data directory’s secret, so no command was sent/,
    );
    // A caller that answers the server's challenge wrongly is refused before its command runs.
    const answer = await new Promise<string>((resolve) => {
      const socket = createConnection(channel.path);
      let got = '';
      socket.setEncoding('utf8');
      socket.on('connect', () => socket.write(`${JSON.stringify({ v: 1, nonce: 'n'.repeat(43) })}\n`));
      socket.on('data', (d: string) => {
        got += d;
        if (got.split('\n').length === 2) {
          const argv = ['user', 'create', '--email', 'intruder@example.com', '--password', 'long enough password', '--workspace', 'Mine'];
          socket.write(`${JSON.stringify({ proof: 'made-up', argv, cwd: '/' })}\n`);
        }
      });
      socket.on('close', () => resolve(got));
    });
    expect(answer).toContain('does not know this data directory’s secret');
    expect(await t.h.db.query("select 1 from users where email = 'intruder@example.com'")).toEqual([]);
  });
});
