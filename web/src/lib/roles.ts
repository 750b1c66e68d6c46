import { roleAtLeast as serverRoleAtLeast } from '../../../src/server/access.ts';
import type { InvitableRole, Role } from './types.ts';

/** The server's rule (src/server/access.ts); no role (not signed in, no workspace) has no rights. */
export const roleAtLeast = (role: Role | null | undefined, min: Role): boolean => role != null && serverRoleAtLeast(role, min);

export const ROLE_LABELS: Record<Role, string> = {
  owner: 'Owner',
  admin: 'Admin',
  marketer: 'Marketer',
  viewer: 'Viewer',
};

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  owner: 'Everything, including ownership and deleting the workspace',
  admin: 'Everything but ownership: members, API keys, settings',
  marketer: 'Works with contacts, segments, campaigns and workflows',
  viewer: 'Sees everything, changes nothing',
};

export const ROLE_COLORS: Record<Role, string> = {
  owner: 'grape',
  admin: 'indigo',
  marketer: 'teal',
  viewer: 'gray',
};

export const INVITABLE: InvitableRole[] = ['admin', 'marketer', 'viewer'];
