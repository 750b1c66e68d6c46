// Request and response shapes of the workspace API, shared by the server and the web app.
import { z } from 'zod';
import { emailSchema, passwordSchema, personNameSchema, userInfo } from '../accounts/contract.ts';
import { isCurrency } from '../shared/money.ts';
import { isCountryCode } from '../shared/country-codes.ts';
import { dateTime } from '../shared/schemas.ts';
import { API_KEY_SCOPES, INVITABLE_ROLES, ROLES } from './roles.ts';

export const workspaceNameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters long');

export const workspaceSummary = z.object({ id: z.uuid(), name: z.string(), role: z.enum(ROLES) });

/** What signing in (setup, sign-in, an accepted invitation, a reset password) answers, and GET /session. */
export const sessionInfo = z.object({
  user: userInfo,
  workspace: workspaceSummary.nullable(),
  workspaces: z.array(workspaceSummary),
  /** Whether this person may create a workspace (RAPPORT_WORKSPACE_CREATION); the app hides "New workspace" when not. */
  canCreateWorkspaces: z.boolean(),
  /** Send back as the X-CSRF-Token header on every write made with the session cookie. */
  csrfToken: z.string(),
});
export type SessionInfo = z.infer<typeof sessionInfo>;

export const setupStatus = z.object({ needed: z.boolean() });
export const setupBody = z.object({
  email: emailSchema,
  name: personNameSchema.default(''),
  password: passwordSchema,
  workspaceName: workspaceNameSchema,
});

export const workspaceBody = z.object({ name: workspaceNameSchema });
export const workspaceInfo = z.object({
  id: z.uuid(),
  name: z.string(),
  /** The sender's postal address, shown in every marketing email ({{ workspace.postal_address }}). */
  postalAddress: z.string(),
  /** ISO 3166-1 alpha-2 code: phone numbers written without an international prefix are read in it. */
  defaultCountry: z.string().nullable(),
  /** ISO 4217 code assumed for orders sent without a currency (unset: USD, as Segment's spec says). */
  defaultCurrency: z.string().nullable(),
  createdAt: dateTime,
});
export const workspacePatch = z.strictObject({
  name: workspaceNameSchema.optional(),
  postalAddress: z.string().trim().max(500, 'must be at most 500 characters').optional(),
  defaultCountry: z
    .string()
    .refine(isCountryCode, 'must be a country code of two capital letters, like GB')
    .nullable()
    .optional()
    .describe('For phone numbers without an international prefix (imports, the API); null clears it'),
  defaultCurrency: z
    .string()
    .refine(isCurrency, 'must be an ISO 4217 currency code of three capital letters, like GBP')
    .nullable()
    .optional()
    .describe('For orders sent without a currency (the tracking API, order imports); null: USD, as Segment’s spec says'),
});

export const member = z.object({
  userId: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  joinedAt: dateTime,
});
export const changeRoleBody = z.object({ role: z.enum(ROLES) });

export const invitation = z.object({
  id: z.uuid(),
  email: z.string(),
  role: z.enum(INVITABLE_ROLES),
  createdAt: dateTime,
  expiresAt: dateTime,
});
export const inviteBody = z.object({ email: emailSchema, role: z.enum(INVITABLE_ROLES) });
export const invitationCreated = z.object({
  invitation,
  /** The link to pass on to the invited person (until Rapport sends it by email). */
  url: z.string(),
});
export const invitationPreview = z.object({
  workspaceName: z.string(),
  email: z.string(),
  role: z.enum(INVITABLE_ROLES),
  accountExists: z.boolean(),
});
export const acceptInvitationBody = z
  .object({
    name: z.string().trim().max(100).optional(),
    password: z.string().min(10, 'must be at least 10 characters long').max(200).optional(),
  })
  .describe('Empty when signed in as the invited address; otherwise the new account’s name and password.');

export const apiKey = z.object({
  id: z.uuid(),
  name: z.string(),
  scope: z.enum(API_KEY_SCOPES),
  prefix: z.string(),
  createdAt: dateTime,
  lastUsedAt: dateTime.nullable(),
  revokedAt: dateTime.nullable(),
});
export const createApiKeyBody = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters long'),
  scope: z.enum(API_KEY_SCOPES).describe('"full": the whole API; "ingest": only the tracking API; "shop": the coupon API (validate, redeem, roll back) and the tracking API.'),
});
export const apiKeyCreated = z.object({
  apiKey,
  /** The secret, shown this once. */
  key: z.string(),
});
