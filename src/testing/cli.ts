// A `rapport` command line run in-process as the running server runs a caller's
// (src/cli/invocation.ts): the same commands, the harness's database, the output captured.
import { runInvocation } from '../cli/invocation.ts';
import { buildProgram } from '../cli/main.ts';
import type { Harness } from './harness.ts';

export async function rapportIn(h: Harness, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const result = { code: -1, out: '', err: '' };
  result.code = await runInvocation(buildProgram, argv, {
    ctx: h.ctx,
    cwd: process.cwd(),
    tty: { out: false, err: false },
    columns: undefined,
    write: (stream, text) => void (stream === 'out' ? (result.out += text) : (result.err += text)),
  });
  return result;
}
