// The compiled server: src/ bundled by esbuild into one ES module (packages stay in
// node_modules), which `npm start` runs instead of the sources through the TypeScript loader
// (the loader keeps every transpiled file and its source map in memory: ~50 MB of an idle
// server). Built in about a second when missing or older than any file under src/.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const SERVER_BUNDLE = path.join(ROOT, 'dist/server/rapport.js');
const SOURCES = path.join(ROOT, 'src');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (!/\.test\.ts$/.test(entry.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Whether the compiled server is there and newer than every source file (tests aside). */
export function serverBuildIsFresh() {
  if (!existsSync(SERVER_BUNDLE)) return false;
  return statSync(SERVER_BUNDLE).mtimeMs >= newestSource(SOURCES);
}

export async function buildServer() {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [path.join(ROOT, 'src/cli/main.ts')],
    outfile: SERVER_BUNDLE,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20.19',
    // Dependencies are loaded from node_modules as they are (some load files of their own).
    packages: 'external',
    // Function and class names as written, for stack traces and logs.
    keepNames: true,
    sourcemap: 'linked',
    logLevel: 'warning',
  });
}

// `node scripts/server-build.js [--force]`: build when stale (or always with --force).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--force') || !serverBuildIsFresh()) {
    const started = performance.now();
    await buildServer();
    process.stdout.write(`Compiled the server in ${Math.round(performance.now() - started)} ms.\n`);
  }
}
