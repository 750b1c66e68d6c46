// Request and response shapes of the accounts API, shared by the server and the web app.
import { z } from 'zod';
import '../shared/schemas.ts';
import { ROLES } from '../workspaces/roles.ts';

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: 'must be an email address, like ada@example.com' }).max(254));
export const passwordSchema = z
  .string()
  .min(10, 'must be at least 10 characters long')
  .max(200, 'must be at most 200 characters long');
export const personNameSchema = z.string().trim().max(100, 'must be at most 100 characters long');
export const workspaceNameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters long');

export const setupBody = z.object({
  email: emailSchema,
  name: personNameSchema.default(''),
  password: passwordSchema,
  workspaceName: workspaceNameSchema,
});

export const signInBody = z.object({
  email: emailSchema,
  password: z.string().min(1, 'must not be empty').max(200),
});

export const changePasswordBody = z.object({
  currentPassword: z.string().min(1).max(200),
  newPassword: passwordSchema,
});

export const profileBody = z.object({ name: personNameSchema });
export const userInfo = z.object({ id: z.uuid(), email: z.string(), name: z.string() });

export const workspaceSummary = z.object({ id: z.uuid(), name: z.string(), role: z.enum(ROLES) });

export const sessionInfo = z.object({
  user: userInfo,
  workspace: workspaceSummary.nullable(),
  workspaces: z.array(workspaceSummary),
  /** Send back as the X-CSRF-Token header on every write made with the session cookie. */
  csrfToken: z.string(),
});
export type SessionInfo = z.infer<typeof sessionInfo>;

export const setupStatus = z.object({ needed: z.boolean() });
