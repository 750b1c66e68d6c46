import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// The layers of src/, bottom up (docs/architecture.md). The floor imports no domain; a domain
// imports the floor and the domains before it, never one after it; the assembly (app, cli)
// and the test support import anything. src/app/modules.ts lists the modules in this order
// (src/app/layers.test.ts checks that they agree, and that a backwards import fails lint).
export const FLOOR = ['db', 'shared', 'jobs', 'server'];
export const DOMAINS = ['accounts', 'workspaces', 'events', 'purchases', 'contacts', 'tracking', 'segments', 'contact-list', 'imports', 'messaging', 'surveys', 'coupons', 'loyalty', 'social', 'workflows', 'reports', 'retention', 'demo'];
const TOP = ['app', 'cli', 'testing'];

/** Imports of these src/ folders from anywhere below them (relative paths of any depth). */
function forbidden(folders, why, extra = []) {
  return {
    'no-restricted-imports': ['error', { patterns: [{ regex: `^(\\.\\./)+(${folders.join('|')})/`, message: why }, ...extra] }],
  };
}
// Operations raise domain errors (src/errors.ts); only the HTTP side of a domain (its routes,
// the parsing of a provider's webhook payload) answers with HTTP errors of its own.
const HTTP_FILES = ['routes.ts', '*-routes.ts', 'feedback/webhooks.ts'];
const httpFilesOf = (domain) => HTTP_FILES.map((f) => (f.includes('/') ? `src/${domain}/${f}` : `src/${domain}/**/${f}`));
const httpErrors = {
  regex: '^(\\.\\./)+server/errors\\.ts$',
  message: 'An operation raises a DomainError from src/errors.ts (a kind and a code); the error handler turns it into HTTP.',
};
const layerRules = [
  {
    files: [...FLOOR.map((f) => `src/${f}/**/*.ts`), 'src/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: forbidden([...DOMAINS, ...TOP], 'The floor (db, shared, jobs, server, config, clock) imports no domain: declare a hook in src/server/module.ts instead.'),
  },
  ...DOMAINS.flatMap((domain, i) => {
    const above = [...DOMAINS.slice(i + 1), ...TOP];
    const why = `${domain} is below ${DOMAINS.slice(i + 1).join(', ') || 'nothing'} (src/app/modules.ts): import only from the floor and the domains before it, or react through a hook in its Module.`;
    return [
      { files: [`src/${domain}/**/*.ts`], ignores: ['**/*.test.ts', ...httpFilesOf(domain)], rules: forbidden(above, why, [httpErrors]) },
      { files: httpFilesOf(domain), ignores: ['**/*.test.ts'], rules: forbidden(above, why) },
    ];
  }),
];

export default tseslint.config(
  { ignores: ['node_modules/', 'web/dist/', 'dist/', 'test-results/', 'coverage/', '.rapport/', 'scratch/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    files: ['**/*.test.ts', 'src/testing/**', 'test/**', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off', '@typescript-eslint/no-non-null-assertion': 'off', 'no-console': 'off' },
  },
  {
    files: ['web/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // The API contracts are zod schemas: the web app takes their types only, so that zod
      // stays out of its bundle. Values it shares with the server live in zod-free modules.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/src/**/contract.ts', '**/src/**/*-contract.ts'],
              allowTypeImports: true,
              message: 'The web app imports API contracts with `import type` only (they hold zod); put shared values in a zod-free module.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['scripts/**', 'bench/**/*.js', 'bin/**'],
    rules: { 'no-console': 'off' },
  },
  ...layerRules,
);
