// Roles and scopes, without database imports, so the web app can share them. The roles and
// scopes themselves are the floor's (src/server/access.ts), where requests are checked.
export { API_KEY_SCOPES, type ApiKeyScope, type Role, ROLE_RANK, ROLES, roleAtLeast } from '../server/access.ts';
export const INVITABLE_ROLES = ['admin', 'marketer', 'viewer'] as const;
