import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { isUniqueViolation } from '@/db/unique-violation';
import { invites, users, type Role } from '@/db/schema';
import type { Actor } from './actor';
import { hashPassword } from './password';
import { passwordWeakness } from './password-strength';
import { fail, type Result } from './result';
import { canGrant, canManage } from './roles';
import { hashToken, newToken } from './secrets';
import { createSession, type NewSession } from './sessions';

/** Invites are one-time links: the token is shown once, only its hash is kept, and accepting it uses it up. */

export type PublicInvite = { id: string; email: string; role: Role; createdAt: Date; expiresAt: Date };

const publicInviteColumns = { id: invites.id, email: invites.email, role: invites.role, createdAt: invites.createdAt, expiresAt: invites.expiresAt };

export function invitePath(token: string): string {
  return `/invite/${encodeURIComponent(token)}`;
}

export async function createInvite(
  db: Db,
  actor: Actor,
  input: { email: string; role: Role; expiresInDays: number },
): Promise<Result<{ invite: PublicInvite; token: string }>> {
  if (!canGrant(actor.role, input.role)) return fail('forbidden', `You cannot invite someone as ${input.role}: it is above your role.`);
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, input.email)).limit(1);
  if (existing) return fail('email_taken', `${input.email} already has an account.`);
  const token = newToken();
  const values = {
    tokenHash: hashToken(token),
    email: input.email,
    role: input.role,
    createdBy: actor.userId,
    expiresAt: new Date(Date.now() + input.expiresInDays * 24 * 60 * 60 * 1000),
  };
  try {
    // A new invite replaces any pending one for the same address (a unique index holds one per email), so an
    // address never has two links that could both be accepted, perhaps with different roles.
    const invite = await db.transaction(async (tx) => {
      await tx.delete(invites).where(and(eq(invites.email, input.email), isNull(invites.usedAt)));
      const [row] = await tx.insert(invites).values(values).returning(publicInviteColumns);
      return row;
    });
    return { ok: true, invite, token };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return fail('conflict', `Someone else is inviting ${input.email} right now: reload and check the pending invites.`);
  }
}

/** Invites not yet used and not expired. */
export async function listPendingInvites(db: Db): Promise<PublicInvite[]> {
  return db
    .select(publicInviteColumns)
    .from(invites)
    .where(and(isNull(invites.usedAt), gt(invites.expiresAt, new Date())))
    .orderBy(desc(invites.createdAt));
}

/** Revoking an owner invite is an owner-level change, like changing an owner's account. */
export async function revokeInvite(db: Db, actor: Actor, id: string): Promise<Result<object>> {
  const [invite] = await db.select({ role: invites.role }).from(invites).where(and(eq(invites.id, id), isNull(invites.usedAt)));
  if (!invite) return fail('not_found', 'There is no such pending invite.');
  if (!canManage(actor.role, invite.role)) return fail('forbidden', 'Only an owner can revoke an owner invite.');
  const deleted = await db.delete(invites).where(and(eq(invites.id, id), isNull(invites.usedAt))).returning({ id: invites.id });
  return deleted.length ? { ok: true } : fail('not_found', 'There is no such pending invite.');
}

const INVALID = 'This invite link is not valid: it was already used, revoked or has expired. Ask for a new one.';

/** What the invite page shows before the invitee joins. */
export async function findInvite(db: Db, token: string): Promise<Result<{ email: string; role: Role }>> {
  const [invite] = await db
    .select({ email: invites.email, role: invites.role })
    .from(invites)
    .where(and(eq(invites.tokenHash, hashToken(token)), isNull(invites.usedAt), gt(invites.expiresAt, new Date())));
  return invite ? { ok: true, ...invite } : fail('invite_invalid', INVALID);
}

/**
 * Uses the invite up and creates the user in one transaction: the conditional update lets exactly one of two
 * concurrent acceptances through, and a refused acceptance (email already taken, a password made from the
 * invite's email or the name given) leaves the invite unused.
 */
export async function acceptInvite(
  db: Db,
  input: { token: string; name: string; password: string },
): Promise<Result<{ userId: string; session: NewSession }>> {
  const found = await findInvite(db, input.token);
  if (!found.ok) return found;
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(users.email, found.email));
  if (existing) return fail('email_taken', `${found.email} already has an account: sign in instead.`);
  const weakness = passwordWeakness(input.password, { name: input.name, email: found.email });
  if (weakness) return fail('validation_failed', weakness);
  const passwordHash = await hashPassword(input.password);
  let userId: string | null;
  try {
    userId = await useInvite(db, input, passwordHash);
  } catch (error) {
    // The same person signing up twice at once: the users' unique email lets one through.
    if (!isUniqueViolation(error)) throw error;
    return fail('email_taken', `${found.email} already has an account: sign in instead.`);
  }
  if (!userId) return fail('invite_invalid', INVALID);
  return { ok: true, userId, session: await createSession(db, userId) };
}

function useInvite(db: Db, input: { token: string; name: string }, passwordHash: string): Promise<string | null> {
  return db.transaction(async (tx) => {
    const [invite] = await tx
      .update(invites)
      .set({ usedAt: new Date() })
      .where(and(eq(invites.tokenHash, hashToken(input.token)), isNull(invites.usedAt), gt(invites.expiresAt, new Date())))
      .returning({ email: invites.email, role: invites.role });
    if (!invite) return null;
    const [user] = await tx.insert(users).values({ name: input.name, email: invite.email, role: invite.role, passwordHash }).returning({ id: users.id });
    return user.id;
  });
}
