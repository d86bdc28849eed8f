import type { Role } from '@/db/schema';

export type { Role };

const RANK: Record<Role, number> = { viewer: 1, editor: 2, admin: 3, owner: 4 };

/** Roles are ordered: an owner may do what an admin may, an admin what an editor may, and so on. */
export function roleAllows(actual: Role, required: Role): boolean {
  return RANK[actual] >= RANK[required];
}
