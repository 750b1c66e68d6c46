// Shapes of the API, taken from the server's zod contracts (inputs: dates arrive as strings).
import type { z } from 'zod';
import type {
  apiKey,
  apiKeyCreated,
  createApiKeyBody,
  invitation,
  invitationCreated,
  invitationPreview,
  inviteBody,
  member,
  sessionInfo,
  setupBody,
  setupStatus,
  workspaceInfo,
  workspaceSummary,
} from '../../../src/workspaces/contract.ts';

export type { ApiKeyScope, Role } from '../../../src/workspaces/roles.ts';

export type SessionInfo = z.input<typeof sessionInfo>;
export type SetupStatus = z.input<typeof setupStatus>;
export type SetupBody = z.input<typeof setupBody>;
export type WorkspaceSummary = z.input<typeof workspaceSummary>;
export type WorkspaceInfo = z.input<typeof workspaceInfo>;
export type Member = z.input<typeof member>;
export type Invitation = z.input<typeof invitation>;
export type InviteBody = z.input<typeof inviteBody>;
export type InvitationCreated = z.input<typeof invitationCreated>;
export type InvitationPreview = z.input<typeof invitationPreview>;
export type ApiKey = z.input<typeof apiKey>;
export type ApiKeyCreated = z.input<typeof apiKeyCreated>;
export type CreateApiKeyBody = z.input<typeof createApiKeyBody>;
export type InvitableRole = Invitation['role'];
