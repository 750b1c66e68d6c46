// The local channel through which a `rapport` command runs inside the process that holds the
// embedded database (`rapport serve` or `rapport worker`): PGlite can be opened by one process
// only, so a second process cannot run `rapport user password` beside a running server.
//
// A Unix domain socket in the data directory (a named pipe on Windows): nothing another
// machine can reach. Only someone who can read the instance secret (secret.key in the data
// directory, or RAPPORT_SECRET) can use it: both ends prove they know it before anything is
// sent (HMAC challenge and response with a nonce from each side, so nothing can be replayed,
// and a socket planted by someone else gets no command line). Then the caller sends its
// arguments and working directory, and the server runs the same command handler with its own
// context and streams back stdout, stderr and the exit code, as newline-delimited JSON.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, lstatSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import type { AppContext } from '../server/context.ts';
import { runInvocation, type StreamName } from './invocation.ts';

const PROTOCOL = 1;
const MAX_LINE = 1024 * 1024;
const HANDSHAKE_MS = 10_000;

/** Where the channel of a data directory listens; the same answer in the server and the caller. */
export function channelPath(dataDir: string): string {
  const id = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16);
  if (process.platform === 'win32') return `\\\\.\\pipe\\rapport-${id}`;
  const inDataDir = path.join(dataDir, 'rapport.sock');
  // Socket paths are limited to ~104 bytes; a deep data directory falls back to the temp
  // folder, where the handshake still keeps out anyone without the secret.
  return Buffer.byteLength(inDataDir) <= 100 ? inDataDir : path.join(tmpdir(), `rapport-${id}.sock`);
}

const channelKey = (secret: string) => createHmac('sha256', secret).update('rapport cli channel v1').digest();
const proof = (key: Buffer, ...parts: string[]) => createHmac('sha256', key).update(parts.join(':')).digest('base64url');
const nonce = () => randomBytes(32).toString('base64url');

function proofMatches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Reads newline-delimited JSON messages from a socket. */
function lines(socket: Socket, onMessage: (message: Record<string, unknown>) => void, onBad: (why: string) => void): void {
  let buffer = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    if (buffer.length > MAX_LINE) return onBad('message too long');
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      try {
        onMessage(JSON.parse(line) as Record<string, unknown>);
      } catch {
        return onBad('not JSON');
      }
    }
  });
}

const send = (socket: Socket, message: object) => socket.writable && socket.write(`${JSON.stringify(message)}\n`);

export interface CliChannel {
  path: string;
  close(): Promise<void>;
}

/** Listens for `rapport` commands from this machine; `build` makes a fresh command tree per call. */
export async function startCliChannel(ctx: AppContext, dataDir: string, build: () => Command): Promise<CliChannel> {
  const socketPath = channelPath(dataDir);
  const key = channelKey(ctx.secret);
  // This process holds the data directory's lock, so a socket left there is from a process
  // that is gone.
  if (process.platform !== 'win32') {
    try {
      if (lstatSync(socketPath).isSocket()) rmSync(socketPath);
    } catch {
      // None there.
    }
  }
  const server: Server = createServer((socket) => {
    socket.on('error', () => undefined);
    const timer = setTimeout(() => socket.destroy(), HANDSHAKE_MS);
    const serverNonce = nonce();
    let clientNonce: string | undefined;
    let started = false;
    lines(
      socket,
      (m) => {
        if (started) return;
        if (clientNonce === undefined) {
          if (m.v !== PROTOCOL || typeof m.nonce !== 'string' || m.nonce.length < 32) return socket.destroy();
          clientNonce = m.nonce;
          send(socket, { v: PROTOCOL, nonce: serverNonce, proof: proof(key, 'server', clientNonce, serverNonce) });
          return;
        }
        if (!proofMatches(proof(key, 'client', serverNonce, clientNonce), m.proof)) {
          send(socket, { error: 'The caller does not know this data directory’s secret.' });
          return socket.end();
        }
        const argv = m.argv;
        if (!Array.isArray(argv) || !argv.every((a) => typeof a === 'string') || typeof m.cwd !== 'string' || !path.isAbsolute(m.cwd)) {
          send(socket, { error: 'Malformed command.' });
          return socket.end();
        }
        started = true;
        clearTimeout(timer);
        const tty = (m.tty ?? {}) as Partial<Record<StreamName, unknown>>;
        const invocation = runInvocation(build, argv, {
          ctx,
          cwd: m.cwd,
          tty: { out: tty.out === true, err: tty.err === true },
          columns: typeof m.columns === 'number' ? m.columns : undefined,
          write: (stream, text) => send(socket, { [stream]: text }),
        });
        void invocation.then((code) => {
          send(socket, { exit: code });
          socket.end();
        });
      },
      () => socket.destroy(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  if (process.platform !== 'win32') chmodSync(socketPath, 0o600);
  return {
    path: socketPath,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  };
}

export class ChannelUnavailable extends Error {}

export interface CallerStreams {
  out(text: string): void;
  err(text: string): void;
  tty: Record<StreamName, boolean>;
  columns: number | undefined;
}

const processStreams: CallerStreams = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  tty: { out: Boolean(process.stdout.isTTY), err: Boolean(process.stderr.isTTY) },
  columns: process.stderr.columns,
};

/**
 * Runs a command line in the server listening on the data directory's channel; resolves with
 * its exit code. ChannelUnavailable when nothing listens (a server too old to have one).
 */
export function runThroughServer(dataDir: string, secret: string, argv: string[], cwd: string, streams: CallerStreams = processStreams): Promise<number> {
  const key = channelKey(secret);
  return new Promise<number>((resolve, reject) => {
    const socket = createConnection(channelPath(dataDir));
    const clientNonce = nonce();
    let connected = false;
    let exit: number | undefined;
    let failure: Error | undefined;
    socket.on('connect', () => {
      connected = true;
      send(socket, { v: PROTOCOL, nonce: clientNonce });
    });
    let verified = false;
    lines(
      socket,
      (m) => {
        if (!verified) {
          if (typeof m.error === 'string') return void (failure = new Error(m.error));
          if (typeof m.nonce !== 'string' || !proofMatches(proof(key, 'server', clientNonce, m.nonce), m.proof)) {
            failure = new Error(
              `The process listening on ${channelPath(dataDir)} does not know this data directory’s secret, so no command was sent to it. ` +
                'Is RAPPORT_SECRET the same for both?',
            );
            return socket.destroy();
          }
          verified = true;
          send(socket, { proof: proof(key, 'client', m.nonce, clientNonce), argv, cwd, tty: streams.tty, columns: streams.columns });
          return;
        }
        if (typeof m.out === 'string') streams.out(m.out);
        else if (typeof m.err === 'string') streams.err(m.err);
        else if (typeof m.exit === 'number') exit = m.exit;
        else if (typeof m.error === 'string') failure = new Error(m.error);
      },
      () => {
        failure = new Error('The running server answered something this rapport does not understand.');
        socket.destroy();
      },
    );
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (!connected) failure = new ChannelUnavailable(err.message);
      else failure ??= err;
    });
    socket.on('close', () => {
      if (exit !== undefined) resolve(exit);
      else reject(failure ?? new Error('The running server closed the connection before the command finished (did it stop?).'));
    });
  });
}
