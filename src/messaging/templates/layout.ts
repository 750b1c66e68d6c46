// Email layout (MJML to HTML, and the plain-text part) runs on a worker thread: a 200 KB
// template takes MJML half a second on a quiet machine and seconds on a busy one, and on the
// main thread every other request (previews, the tracking API, /health) waited that long.
// One thread, started at the first layout and stopped after a minute without work, so that
// an idle server holds neither it nor MJML (~45 MB). Jobs take turns; one that runs longer
// than LAYOUT_LIMIT_MS is stopped (with its thread) and fails with a message that says so.
import { Worker } from 'node:worker_threads';
import type { HtmlToTextOptions } from 'html-to-text';
import { projectPath } from '../../paths.ts';

export const LAYOUT_LIMIT_MS = 15_000;
const IDLE_MS = 60_000;

export interface LayoutOptions {
  validationLevel: 'soft' | 'strict' | 'skip';
  keepComments?: boolean;
}
export interface LayoutResult {
  /** Empty when MJML could not lay the template out at all (see errors). */
  html: string;
  errors: { line: number; message: string }[];
  /** The plain-text version of `html`, when asked for. */
  text?: string;
}

export class LayoutTimeout extends Error {
  constructor(limitMs: number) {
    super(`laying the email out took longer than ${limitMs / 1000} s; make the template shorter or simpler`);
    this.name = 'LayoutTimeout';
  }
}

interface Job {
  id: number;
  source: string;
  options: LayoutOptions;
  text?: HtmlToTextOptions;
  limitMs: number;
  resolve(result: LayoutResult): void;
  reject(err: Error): void;
}

let worker: Worker | undefined;
let current: { job: Job; timer: NodeJS.Timeout } | undefined;
let idleTimer: NodeJS.Timeout | undefined;
const queue: Job[] = [];
let nextId = 0;

function startWorker(): Worker {
  const w = new Worker(projectPath('src/messaging/templates/layout-thread.mjs'));
  w.on('message', (m: { id: number; html?: string; errors?: LayoutResult['errors']; text?: string; error?: string }) => {
    if (!current || current.job.id !== m.id) return;
    const { job, timer } = current;
    clearTimeout(timer);
    current = undefined;
    if (m.error !== undefined) job.reject(new Error(m.error));
    else job.resolve({ html: m.html ?? '', errors: m.errors ?? [], ...(m.text !== undefined ? { text: m.text } : {}) });
    next();
  });
  w.on('error', (err) => {
    // A thread that dies fails its job; the next job starts a fresh one.
    if (worker === w) worker = undefined;
    if (current) {
      clearTimeout(current.timer);
      current.job.reject(err);
      current = undefined;
    }
    next();
  });
  w.on('exit', () => {
    if (worker === w) worker = undefined;
  });
  return w;
}

function next(): void {
  if (current) return;
  const job = queue.shift();
  if (!job) {
    // Idle: the thread keeps no process alive, and goes after a while.
    worker?.unref();
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => void stopWorker(), IDLE_MS);
    idleTimer.unref();
    return;
  }
  clearTimeout(idleTimer);
  worker ??= startWorker();
  worker.ref();
  const timer = setTimeout(() => {
    // Stopping the thread is the only way to stop MJML; the next job starts another.
    current = undefined;
    void stopWorker();
    job.reject(new LayoutTimeout(job.limitMs));
    next();
  }, job.limitMs);
  current = { job, timer };
  worker.postMessage({ id: job.id, source: job.source, options: job.options, text: job.text });
}

async function stopWorker(): Promise<void> {
  const w = worker;
  worker = undefined;
  if (w) await w.terminate();
}

/** Lays an MJML document out as HTML (and, with `text`, its plain-text version). */
export function layoutEmail(source: string, options: LayoutOptions, text?: HtmlToTextOptions, limitMs = LAYOUT_LIMIT_MS): Promise<LayoutResult> {
  return new Promise((resolve, reject) => {
    queue.push({ id: nextId++, source, options, ...(text ? { text } : {}), limitMs, resolve, reject });
    next();
  });
}

/** Stops the thread (shutdown, tests); queued jobs still run on a new one. */
export async function closeLayout(): Promise<void> {
  clearTimeout(idleTimer);
  if (!current) await stopWorker();
}
