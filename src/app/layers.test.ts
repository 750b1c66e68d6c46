// The layers of src/ as the linter enforces them: a backwards import fails `npm run lint`,
// the module list is in the linter's layer order, and every domain folder declares a module.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { projectPath } from '../paths.ts';
import { MODULES } from './modules.ts';

const config = (await import(pathToFileURL(projectPath('eslint.config.js')).href)) as { FLOOR: string[]; DOMAINS: string[] };
const eslint = new ESLint({ cwd: projectPath('') });

/** Lints a fixture as if it lived where its first line says ("// as src/contacts/x.ts: …"). */
async function lintFixture(name: string) {
  const text = readFileSync(projectPath(`test/fixtures/layers/${name}`), 'utf8');
  const where = /^\/\/ as (\S+?):/.exec(text)?.[1];
  if (!where) throw new Error(`${name} does not say where it lives`);
  const [result] = await eslint.lintText(text, { filePath: projectPath(where) });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports');
}

describe('the layers of src/', () => {
  it('refuses a domain importing a domain above it', async () => {
    const errors = await lintFixture('backwards-import.ts');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toContain('contacts is below');
  });

  it('refuses the floor importing a domain', async () => {
    const errors = await lintFixture('floor-import.ts');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toContain('The floor');
  });

  it('refuses a backwards import from a nested folder', async () => {
    expect(await lintFixture('nested-backwards-import.ts')).toHaveLength(1);
  });

  it('refuses an operation raising an HTTP error instead of a domain error', async () => {
    const errors = await lintFixture('http-error-in-operation.ts');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toContain('DomainError');
  });

  it('accepts imports of the domains below', async () => {
    expect(await lintFixture('forward-import.ts')).toEqual([]);
  });

  it('assembles the application from the modules in the linter’s layer order', () => {
    expect(MODULES.map((m) => m.name).filter((n) => n !== 'system')).toEqual(config.DOMAINS);
  });

  it('has a module description for every domain folder and nothing else under src/', () => {
    const folders = readdirSync(projectPath('src'), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    const known = new Set([...config.FLOOR, ...config.DOMAINS, 'app', 'cli', 'testing']);
    expect(folders.filter((f) => !known.has(f))).toEqual([]);
    for (const domain of config.DOMAINS) expect(existsSync(projectPath(`src/${domain}/module.ts`)), domain).toBe(true);
  });
});
