// Message building (MIME: headers, quoted-printable, boundaries) is most of what sending costs
// in Node: a broadcast hands it to worker threads and keeps the main thread for rendering,
// the database and the SMTP conversations. The messages are the ones Nodemailer itself would
// build (its MailComposer), sent as they are.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { SendMailOptions } from 'nodemailer';
import { projectPath } from '../../paths.ts';

interface Pending {
  resolve(buf: Buffer): void;
  reject(err: Error): void;
}

let threads: Worker[] = [];
const pending = new Map<number, Pending>();
let nextId = 0;

function start(): Worker[] {
  const count = Math.min(2, Math.max(1, availableParallelism() - 1));
  threads = Array.from({ length: count }, () => {
    const w = new Worker(projectPath('src/messaging/delivery/mime-thread.mjs'));
    // Idle threads never keep the process alive.
    w.unref();
    w.on('message', (m: { id: number; buf?: Uint8Array; error?: string }) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (m.error !== undefined || !m.buf) p.reject(new Error(`The message could not be built: ${m.error}`));
      else p.resolve(Buffer.from(m.buf.buffer, m.buf.byteOffset, m.buf.byteLength));
    });
    w.on('error', (err) => {
      // A thread that dies fails what it had; the next message starts fresh threads.
      for (const [id, p] of pending) {
        pending.delete(id);
        p.reject(err);
      }
      threads = [];
    });
    return w;
  });
  return threads;
}

/** The message as bytes, built on a worker thread. */
export function buildMime(mail: SendMailOptions): Promise<Buffer> {
  const pool = threads.length > 0 ? threads : start();
  const id = nextId++;
  return new Promise<Buffer>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    pool[id % pool.length]!.postMessage({ id, mail });
  });
}

/** Stops the threads (shutdown, tests). */
export async function closeMimePool(): Promise<void> {
  const old = threads;
  threads = [];
  await Promise.all(old.map((w) => w.terminate()));
}
