import type { Role } from '@/db/schema';

export type { Role };

const RANK: Record<Role, number> = { viewer: 1, editor: 2, admin: 3, owner: 4 };

/** Every role, least to most senior (for pickers; importing this keeps the database schema out of browser bundles). */
export const ROLES_BY_RANK = Object.keys(RANK) as Role[];

/** Roles are ordered: an owner may do what an admin may, an admin what an editor may, and so on. */
export function roleAllows(actual: Role, required: Role): boolean {
  return RANK[actual] >= RANK[required];
}

/** The less senior of two roles: what a token may do when its creator's role is lower than the token's. */
export function lowerRole(a: Role, b: Role): Role {
  return RANK[a] <= RANK[b] ? a : b;
}

/**
 * Who may hand out a role (to a user, an invite or an API token): nobody grants more than they have, and only
 * an owner makes owners.
 */
export function canGrant(actor: Role, granted: Role): boolean {
  return roleAllows(actor, granted);
}

/** Who may change another user's role or deactivate them: only someone at least as senior (so admins never touch owners). */
export function canManage(actor: Role, target: Role): boolean {
  return roleAllows(actor, target);
}
