import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { sessions, users, type Role } from '@/db/schema';
import type { Actor } from './actor';
import { fail, type Result } from './result';
import { canGrant, canManage } from './roles';

/** A user as the API and the admin pages show them: never the password hash. */
export const publicUserColumns = {
  id: users.id,
  name: users.name,
  email: users.email,
  role: users.role,
  active: users.active,
  createdAt: users.createdAt,
};

export type PublicUser = { id: string; name: string; email: string; role: Role; active: boolean; createdAt: Date };

export async function listUsers(db: Db): Promise<PublicUser[]> {
  return db.select(publicUserColumns).from(users).orderBy(asc(users.createdAt), asc(users.id));
}

export interface UserChange {
  role?: Role;
  active?: boolean;
}

/**
 * Changes a user's role and/or active flag. Nobody manages someone more senior or grants more than they have
 * (so admins never make or touch owners); nobody deactivates themselves; the last active owner stays an active
 * owner. Owner rows are locked first (in id order), so two owners demoting each other at once leave one owner.
 * Deactivation deletes the user's sessions in the same transaction: they are signed out at once.
 */
export async function updateUser(db: Db, actor: Actor, userId: string, change: UserChange): Promise<Result<{ user: PublicUser }>> {
  return db.transaction(async (tx) => {
    // Lock order: every active owner by id, then the target. Two owners demoting each other at once then queue
    // on the same first row instead of each holding the row the other needs (a deadlock on PostgreSQL).
    const owners = await tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.role, 'owner'), eq(users.active, true)))
      .orderBy(asc(users.id))
      .for('update');
    const [target] = await tx.select(publicUserColumns).from(users).where(eq(users.id, userId)).for('update');
    if (!target) return fail('not_found', 'There is no such user.');
    if (!canManage(actor.role, target.role)) return fail('forbidden', `Only an owner can change an owner's account.`);
    if (change.role && !canGrant(actor.role, change.role)) return fail('forbidden', `You cannot grant the ${change.role} role: it is above yours.`);
    if (change.active === false && target.id === actor.userId) return fail('conflict', 'You cannot deactivate your own account.');

    const losesOwner = target.role === 'owner' && target.active && ((change.role && change.role !== 'owner') || change.active === false);
    if (losesOwner && !owners.some((owner) => owner.id !== userId)) {
      return fail('last_owner', 'This is the last owner: make someone else an owner first.');
    }

    const [user] = await tx
      .update(users)
      .set({ ...(change.role ? { role: change.role } : {}), ...(change.active !== undefined ? { active: change.active } : {}) })
      .where(eq(users.id, userId))
      .returning(publicUserColumns);
    if (change.active === false) await tx.delete(sessions).where(eq(sessions.userId, userId));
    return { ok: true as const, user };
  });
}
