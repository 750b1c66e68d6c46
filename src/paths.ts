// Where Rapport's own files are, whether this code runs from its TypeScript sources (src/…,
// through the tsx loader) or from the compiled server (dist/server/rapport.js, what
// `npm start` runs): the project root is the nearest folder above with Rapport's package.json.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(from: string): string {
  for (let dir = path.dirname(from); ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'rapport') return dir;
    if (path.dirname(dir) === dir) throw new Error(`Rapport's package.json was not found above ${from}`);
  }
}

export const ROOT = findRoot(fileURLToPath(import.meta.url));

/** A file or folder of the project, by its path from the root (`src/db/migrations`). */
export const projectPath = (...parts: string[]) => path.join(ROOT, ...parts);
