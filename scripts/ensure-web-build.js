// Builds the web app when web/dist is missing or older than its sources, so that
// `npm start` on a fresh clone serves the app without a separate build step.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const dist = path.join(root, 'web/dist/index.html');
const force = process.argv.includes('--force');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

// The web app imports the API contracts from src/, so a change there rebuilds it too.
const sources = [path.join(root, 'web'), path.join(root, 'src')];
const builtAt = existsSync(dist) ? statSync(dist).mtimeMs : 0;
// Builds from before the compressed copies (.br, .gz) were made are rebuilt once.
const assets = path.join(root, 'web/dist/assets');
const compressed = existsSync(assets) && readdirSync(assets).some((f) => f.endsWith('.br'));
const stale =
  force ||
  builtAt === 0 ||
  !compressed ||
  sources.some((dir) => {
    const files = readdirSync(dir, { withFileTypes: true }).filter((e) => e.name !== 'dist' && e.name !== 'node_modules');
    return files.some((e) => {
      const p = path.join(dir, e.name);
      return (e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs) > builtAt;
    });
  });

if (stale) {
  process.stdout.write('Building the web app (once; takes a little while)…\n');
  const result = spawnSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
