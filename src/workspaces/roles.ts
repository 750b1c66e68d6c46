// Roles and scopes, without database imports, so the web app can share them.
export const ROLES = ['owner', 'admin', 'marketer', 'viewer'] as const;
export type Role = (typeof ROLES)[number];
export const INVITABLE_ROLES = ['admin', 'marketer', 'viewer'] as const;
export const API_KEY_SCOPES = ['full', 'ingest'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
