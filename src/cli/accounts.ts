import { type Command, Option } from 'commander';
import type { z } from 'zod';
import { createUser, findUserByEmail, resetPassword } from '../accounts/accounts.ts';
import { emailSchema, passwordSchema } from '../accounts/contract.ts';
import { type PasswordOwner, passwordWeakness } from '../accounts/password-policy.ts';
import { createApiKey } from '../workspaces/apikeys.ts';
import { workspaceNameSchema } from '../workspaces/contract.ts';
import { API_KEY_SCOPES, type ApiKeyScope, ROLES, type Role } from '../workspaces/roles.ts';
import { addMember, createUserWithWorkspace, createWorkspace, findWorkspacesByName, listUserWorkspaces } from '../workspaces/workspaces.ts';
import { oneWorkspace, withContext } from './context.ts';
import { CliError, output } from './main.ts';

/** The password policy, before anything is opened: the server would say the same. */
async function strongPassword(password: string, owner: PasswordOwner): Promise<string> {
  const weakness = await passwordWeakness(password, owner);
  if (weakness) throw new CliError(`--password: ${weakness}`);
  return password;
}

function parse<T>(schema: z.ZodType<T>, value: unknown, flag: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new CliError(`${flag} ${result.error.issues[0]?.message ?? 'is not valid'}`);
  return result.data;
}

export function registerAccountCommands(program: Command): void {
  const user = program.command('user').description('Manage users');
  user
    .command('create')
    .description('Create a user; with a new workspace name they own it, with an existing one they join it')
    .requiredOption('--email <email>', 'the email address they sign in with')
    .requiredOption('--password <password>', 'at least 10 characters, not a common or easily guessed one')
    .requiredOption('--workspace <name>', 'workspace name (created if it does not exist) or id')
    .option('--name <name>', 'their name', '')
    .addOption(new Option('--role <role>', 'role when joining an existing workspace').choices(ROLES).default('admin'))
    .option('--json', 'print the result as JSON')
    .action(async (opts: { email: string; password: string; workspace: string; name: string; role: Role; json?: boolean }) => {
      const email = parse(emailSchema, opts.email, '--email');
      const workspaceName = parse(workspaceNameSchema, opts.workspace, '--workspace');
      const password = await strongPassword(parse(passwordSchema, opts.password, '--password'), { email, name: opts.name, workspaceName });
      await withContext('cli', async (ctx) => {
        const existing = await findWorkspacesByName(ctx, workspaceName);
        if (existing.length === 0) {
          const { user: created, workspaceId } = await createUserWithWorkspace(ctx, { email, password, name: opts.name, workspaceName });
          output(Boolean(opts.json), { user: created, workspace: { id: workspaceId, name: workspaceName, role: 'owner' } }, `Created ${email}, owner of the new workspace "${workspaceName}".`);
          return;
        }
        const ws = await oneWorkspace(ctx, workspaceName);
        if (await findUserByEmail(ctx, email)) throw new CliError(`A user with the email ${email} already exists.`);
        const created = await createUser(ctx, { email, password, name: opts.name });
        await addMember(ctx, ws.id, created.id, opts.role);
        output(Boolean(opts.json), { user: created, workspace: { ...ws, role: opts.role } }, `Created ${email}, ${opts.role} of "${ws.name}".`);
      });
    });

  user
    .command('password')
    .description('Set a new password for a user (when they have forgotten theirs); signs them out everywhere')
    .requiredOption('--email <email>', 'the user’s email address')
    .requiredOption('--password <password>', 'the new password, at least 10 characters, not a common or easily guessed one')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { email: string; password: string; json?: boolean }) => {
      const email = parse(emailSchema, opts.email, '--email');
      const password = await strongPassword(parse(passwordSchema, opts.password, '--password'), { email });
      await withContext('cli', async (ctx) => {
        if (!(await resetPassword(ctx, email, password))) throw new CliError(`No user has the email ${email}.`);
        output(Boolean(opts.json), { email, passwordChanged: true }, `New password set for ${email}; their sessions were ended.`);
      });
    });

  const workspace = program.command('workspace').description('Manage workspaces');
  workspace
    .command('list')
    .description('List workspaces (all, or those of one user)')
    .option('--user <email>', 'only the workspaces of this user')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { user?: string; json?: boolean }) => {
      await withContext('cli', async (ctx) => {
        let rows: { id: string; name: string; role?: string }[];
        if (opts.user) {
          const u = await findUserByEmail(ctx, parse(emailSchema, opts.user, '--user'));
          if (!u) throw new CliError(`No user has the email ${opts.user}.`);
          rows = await listUserWorkspaces(ctx, u.id);
        } else {
          rows = await ctx.db.query<{ id: string; name: string }>('select id, name from workspaces order by name, id');
        }
        output(Boolean(opts.json), rows, rows.length ? rows.map((w) => `${w.id}  ${w.name}${w.role ? `  (${w.role})` : ''}`).join('\n') : 'No workspaces yet.');
      });
    });

  // The operator's way, whatever RAPPORT_WORKSPACE_CREATION lets people do in the app.
  workspace
    .command('create')
    .description('Create a workspace owned by an existing user')
    .requiredOption('--name <name>', 'name of the new workspace')
    .requiredOption('--owner <email>', 'the user who owns it (`rapport user create` makes a new user with a workspace)')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { name: string; owner: string; json?: boolean }) => {
      const name = parse(workspaceNameSchema, opts.name, '--name');
      const email = parse(emailSchema, opts.owner, '--owner');
      await withContext('cli', async (ctx) => {
        const owner = await findUserByEmail(ctx, email);
        if (!owner) throw new CliError(`No user has the email ${email}. \`rapport user create --workspace NAME\` creates a user with a new workspace.`);
        // Other commands find a workspace by its name: one name, one workspace.
        if ((await findWorkspacesByName(ctx, name)).length > 0) throw new CliError(`A workspace is already named "${name}". Choose another name.`);
        const ws = await createWorkspace(ctx, owner.id, name);
        output(Boolean(opts.json), { ...ws, owner: email }, `Created the workspace "${ws.name}" (${ws.id}), owned by ${email}.`);
      });
    });

  const apikey = program.command('apikey').description('Manage API keys');
  apikey
    .command('create')
    .description('Create an API key and print it (it is shown only once)')
    .requiredOption('--workspace <name>', 'workspace name or id')
    .addOption(new Option('--scope <scope>', '"full": the whole API; "ingest": only the tracking API; "shop": the coupon API and the tracking API').choices(API_KEY_SCOPES).default('full'))
    .option('--name <name>', 'a label to tell keys apart', 'CLI key')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { workspace: string; scope: ApiKeyScope; name: string; json?: boolean }) => {
      await withContext('cli', async (ctx) => {
        const ws = await oneWorkspace(ctx, opts.workspace);
        const { apiKey, key } = await createApiKey(ctx, ws.id, null, { name: opts.name.trim() || 'CLI key', scope: opts.scope });
        output(Boolean(opts.json), { key, apiKey: { ...apiKey, workspaceId: ws.id } }, key);
      });
    });
}
