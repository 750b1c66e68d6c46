import { Worker } from 'node:worker_threads';

export interface HealthLatency {
  count: number;
  p50: number;
  p99: number;
  max: number;
  /** Requests that did not answer 200. */
  failures: number;
}

// The probe runs in a worker thread: its own event loop, so what it measures is the
// server's responsiveness, not the test's (or a benchmark's) own work on the main thread.
const PROBE = `
const { parentPort, workerData } = require('node:worker_threads');
const { request } = require('node:http');
const { url, intervalMs } = workerData;
let stopped = false;
const samples = [];
let failures = 0;
parentPort.on('message', () => { stopped = true; });
function once() {
  return new Promise((resolve) => {
    const start = performance.now();
    const req = request(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => { if (res.statusCode !== 200) failures++; resolve(performance.now() - start); });
    });
    req.on('error', () => { failures++; resolve(performance.now() - start); });
    req.end();
  });
}
(async () => {
  while (!stopped) {
    samples.push(await once());
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  parentPort.postMessage({ samples, failures });
})();
`;

/**
 * Polls `GET /health` over a real socket, one request at a time, until `stop()`; then says
 * how long the answers took (milliseconds).
 */
export function probeHealth(baseUrl: string, intervalMs = 10): { stop(): Promise<HealthLatency> } {
  const worker = new Worker(PROBE, { eval: true, workerData: { url: `${baseUrl}/health`, intervalMs } });
  const done = new Promise<{ samples: number[]; failures: number }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    async stop() {
      worker.postMessage('stop');
      const { samples, failures } = await done;
      await worker.terminate();
      return summarize(samples, failures);
    },
  };
}

const POST = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, headers, body } = workerData;
const started = performance.now();
fetch(url, { method: 'POST', headers, body: new Uint8Array(body) })
  .then(async (res) => parentPort.postMessage({ status: res.status, text: await res.text(), ms: performance.now() - started }))
  .catch((err) => parentPort.postMessage({ error: String(err) }));
`;

/**
 * A POST sent from another thread: a large upload's own sending (and reading of the
 * answer) is then not work of the thread whose responsiveness a test measures.
 */
export async function postFromWorker(url: string, headers: Record<string, string>, body: Buffer): Promise<{ status: number; text: string; ms: number }> {
  const copy = new Uint8Array(body).buffer;
  const worker = new Worker(POST, { eval: true, workerData: { url, headers, body: copy }, transferList: [copy] });
  try {
    const answer = await new Promise<{ status: number; text: string; ms: number; error?: string }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    if (answer.error) throw new Error(answer.error);
    return answer;
  } finally {
    await worker.terminate();
  }
}

export function summarize(samples: number[], failures = 0): HealthLatency {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
  const round = (x: number) => Math.round(x * 10) / 10;
  return { count: sorted.length, p50: round(at(0.5)), p99: round(at(0.99)), max: round(sorted[sorted.length - 1] ?? 0), failures };
}
