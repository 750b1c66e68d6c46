// Roles and API key scopes: who may do what in a workspace. On the floor (no domain, no
// zod, no Node API) because request-level code checks them before any domain runs, and the
// web app shares them; src/workspaces/roles.ts re-exports them with the workspace's own lists.
export const ROLES = ['owner', 'admin', 'marketer', 'viewer'] as const;
export type Role = (typeof ROLES)[number];
export const API_KEY_SCOPES = ['full', 'ingest', 'shop'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** Higher number, more rights. A role includes every right of the roles below it. */
export const ROLE_RANK: Record<Role, number> = { viewer: 0, marketer: 1, admin: 2, owner: 3 };
export const roleAtLeast = (role: Role, min: Role) => ROLE_RANK[role] >= ROLE_RANK[min];
