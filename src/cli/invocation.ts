// A `rapport` command run inside the server that holds the embedded database, on behalf of a
// `rapport` process that could not open it (src/cli/channel.ts carries it). The commands are
// the same code as when they run on their own: they take the server's context instead of
// opening the database, and what they print (process.stdout/stderr, including progress bars)
// goes back to the caller instead of the server's terminal. That redirection follows the
// async context of the invocation (AsyncLocalStorage), so several can run at once and the
// server's own output is untouched.
import { AsyncLocalStorage } from 'node:async_hooks';
import path from 'node:path';
import { type Command, CommanderError } from 'commander';
import type { AppContext } from '../server/context.ts';

export type StreamName = 'out' | 'err';

export interface Invocation {
  ctx: AppContext;
  /** The caller's working directory: file arguments are relative to it. */
  cwd: string;
  tty: Record<StreamName, boolean>;
  columns: number | undefined;
  write(stream: StreamName, text: string): void;
  /** Set when the command is over (or the caller left): later output goes to the server's streams. */
  closed: boolean;
}

const store = new AsyncLocalStorage<Invocation>();

/** The invocation this code runs for, if it runs inside the server for a caller. */
export function currentInvocation(): Invocation | undefined {
  const inv = store.getStore();
  return inv && !inv.closed ? inv : undefined;
}

let redirected = false;

/** Routes process.stdout/stderr (writes, isTTY, columns) to the current invocation, if any. */
function redirectStandardStreams(): void {
  if (redirected) return;
  redirected = true;
  for (const [name, stream] of [['out', process.stdout], ['err', process.stderr]] as const) {
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    stream.write = ((chunk: string | Uint8Array, encoding?: BufferEncoding | ((err?: Error | null) => void), callback?: (err?: Error | null) => void) => {
      const inv = currentInvocation();
      if (!inv) return write(chunk, encoding, callback);
      inv.write(name, typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString(typeof encoding === 'string' ? encoding : 'utf8'));
      (typeof encoding === 'function' ? encoding : callback)?.();
      return true;
    }) as typeof stream.write;
    // tty.WriteStream assigns these itself (columns on every resize): keep a setter.
    for (const prop of ['isTTY', 'columns'] as const) {
      let own: unknown = (stream as unknown as Record<string, unknown>)[prop];
      Object.defineProperty(stream, prop, {
        configurable: true,
        enumerable: true,
        get: () => {
          const inv = currentInvocation();
          if (!inv) return own;
          return prop === 'isTTY' ? inv.tty[name] || undefined : inv.columns;
        },
        set: (value: unknown) => {
          own = value;
        },
      });
    }
  }
}

/** Top-level commands that never run for a caller: they are the server. */
const NOT_THROUGH_SERVER = new Set(['serve', 'worker']);

/**
 * Runs one command line inside this process for a caller and returns its exit code. Errors
 * are printed as the command would print them on its own (`rapport: …`).
 */
export async function runInvocation(
  build: () => Command,
  argv: string[],
  inv: Omit<Invocation, 'closed'>,
): Promise<number> {
  redirectStandardStreams();
  const invocation: Invocation = { ...inv, closed: false };
  return store.run(invocation, async () => {
    if (NOT_THROUGH_SERVER.has(argv[0] ?? '')) {
      invocation.write('err', `rapport: \`rapport ${argv[0]}\` cannot run through the running server; stop it first.\n`);
      invocation.closed = true;
      return 1;
    }
    const program = build();
    // Commander exits the process on --help or a usage error: here it must throw instead, on
    // every subcommand (each has its own setting).
    const everyCommand = (c: Command): Command[] => [c, ...c.commands.flatMap(everyCommand)];
    for (const c of everyCommand(program)) c.exitOverride();
    program.hook('preAction', (_program, action) => {
      // The caller's relative paths, not the server's working directory.
      action.registeredArguments.forEach((arg, i) => {
        const value: unknown = action.processedArgs[i];
        if (arg.name() === 'file' && typeof value === 'string') action.processedArgs[i] = path.resolve(invocation.cwd, value);
      });
    });
    const before = process.exitCode;
    let code = 0;
    try {
      await program.parseAsync(argv, { from: 'user' });
      // A command that reports failure through process.exitCode (the import) set the
      // server's: take it for the caller and put the server's back.
      if (process.exitCode !== before) {
        code = Number(process.exitCode) || 0;
        process.exitCode = before;
      }
    } catch (err) {
      if (err instanceof CommanderError) code = err.exitCode;
      else {
        invocation.write('err', `rapport: ${(err as Error).message ?? String(err)}\n`);
        code = 1;
      }
    } finally {
      invocation.closed = true;
    }
    return code;
  });
}
