// An SMTP server that accepts everything and counts it (for the crash test and the email
// benchmark): messages received, distinct Message-IDs, the recipient of each, first and last
// arrival. Run in-process (startSink) or as its own process (this file with an IPC channel:
// it answers "stats" and "stop" messages), so that a benchmark's sink does not share the
// sender's CPU time.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface SinkStats {
  received: number;
  distinct: number;
  /** Messages whose Message-ID had been received before (the same message sent again). */
  duplicates: number;
  /** Distinct recipients. */
  recipients: number;
  /** Message-IDs that arrived for more than one recipient (must be none). */
  crossed: number;
  firstAt: number | null;
  lastAt: number | null;
}

export interface Sink {
  port: number;
  stats(): SinkStats;
  close(): Promise<void>;
}

export async function startSink(port = 0): Promise<Sink> {
  const byId = new Map<string, string>();
  const recipients = new Set<string>();
  let received = 0;
  let crossed = 0;
  let firstAt: number | null = null;
  let lastAt: number | null = null;
  const server = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    maxClients: 1000,
    onData(stream, session, callback) {
      let head = '';
      let headDone = false;
      stream.on('data', (chunk: Buffer) => {
        if (headDone) return;
        head += chunk.toString('latin1');
        const end = head.indexOf('\r\n\r\n');
        if (end >= 0) {
          head = head.slice(0, end);
          headDone = true;
        }
      });
      stream.on('end', () => {
        const id = /^message-id:\s*(<[^>\r\n]+>)/im.exec(head)?.[1] ?? `(none ${received})`;
        const to = session.envelope.rcptTo.map((r) => r.address).join(',');
        received++;
        const now = Date.now();
        firstAt ??= now;
        lastAt = now;
        const before = byId.get(id);
        if (before === undefined) byId.set(id, to);
        else if (before !== to) crossed++;
        recipients.add(to);
        callback();
      });
    },
  });
  // A sender killed mid-conversation resets its connections: expected here, not a failure.
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  return {
    port: (server.server.address() as AddressInfo).port,
    stats: () => ({ received, distinct: byId.size, duplicates: received - byId.size, recipients: recipients.size, crossed, firstAt, lastAt }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// As a child process: start, say the port, answer questions.
if (process.send && process.argv[1]?.endsWith('smtp-sink.ts')) {
  const sink = await startSink();
  process.on('message', (m: { type: string }) => {
    if (m.type === 'stats') process.send!({ type: 'stats', stats: sink.stats() });
    if (m.type === 'stop') void sink.close().then(() => process.exit(0));
  });
  process.send({ type: 'ready', port: sink.port });
}
