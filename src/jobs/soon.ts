// Work asked for "soon, in this process" after a change: run on the next tick, once per key
// however many times it is asked meanwhile, and once more if asked again while running. A
// periodic job does the same work for every key, so what another process changed, or what a
// failure left, is not left waiting. Segment updates and workflow passes use it, per workspace.

export interface Soon {
  /** Asks for `work` soon; while one for `key` waits or runs, asking again only makes it run once more. */
  ask(key: string, work: () => Promise<unknown>): void;
  /** Waits until nothing asked for is running or waiting (tests, benchmarks, shutdown). */
  settled(): Promise<void>;
}

export function soon(what: string): Soon {
  const running = new Map<string, Promise<void>>();
  const again = new Set<string>();
  return {
    ask(key, work) {
      if (running.has(key)) {
        again.add(key);
        return;
      }
      const run = (async () => {
        await new Promise((r) => setImmediate(r));
        do {
          again.delete(key);
          try {
            await work();
          } catch (err) {
            // Left as it was: the periodic job takes it up again.
            console.error(`${what} of ${key} failed: ${(err as Error).message}`);
            break;
          }
        } while (again.has(key));
      })().finally(() => running.delete(key));
      running.set(key, run);
    },
    async settled() {
      while (running.size > 0) await Promise.all(running.values());
    },
  };
}
