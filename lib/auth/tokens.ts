import { and, desc, eq, isNull } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { apiTokens, users, type Role } from '@/db/schema';
import type { Actor } from './actor';
import { API_TOKEN_PREFIX } from './caller';
import { fail, type Result } from './result';
import { canGrant, canManage } from './roles';
import { hashToken, newToken } from './secrets';

/** API tokens for scripts: `loupe_<random>`, shown once, stored as a hash, with a role no higher than the creator's. */

export type PublicApiToken = {
  id: string;
  name: string;
  role: Role;
  createdByName: string | null;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
};

export async function createApiToken(
  db: Db,
  actor: Actor,
  input: { name: string; role: Role; expiresInDays?: number },
): Promise<Result<{ apiToken: PublicApiToken; token: string }>> {
  if (!canGrant(actor.role, input.role)) return fail('forbidden', `You cannot create a ${input.role} token: it is above your role.`);
  const token = newToken(API_TOKEN_PREFIX);
  const expiresAt = input.expiresInDays ? new Date(Date.now() + input.expiresInDays * 24 * 60 * 60 * 1000) : null;
  const [row] = await db
    .insert(apiTokens)
    .values({ name: input.name, role: input.role, tokenHash: hashToken(token), createdBy: actor.userId, expiresAt })
    .returning({ id: apiTokens.id });
  const [apiToken] = await selectTokens(db).where(eq(apiTokens.id, row.id));
  return { ok: true, apiToken, token };
}

function selectTokens(db: Db) {
  return db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      role: apiTokens.role,
      createdByName: users.name,
      createdAt: apiTokens.createdAt,
      expiresAt: apiTokens.expiresAt,
      lastUsedAt: apiTokens.lastUsedAt,
      revokedAt: apiTokens.revokedAt,
    })
    .from(apiTokens)
    .leftJoin(users, eq(users.id, apiTokens.createdBy))
    .$dynamic();
}

/** Every token, revoked ones included (they show when and that they were revoked). */
export async function listApiTokens(db: Db): Promise<PublicApiToken[]> {
  return selectTokens(db).orderBy(desc(apiTokens.createdAt), desc(apiTokens.id));
}

/**
 * Revoking is an owner-level change for owner tokens (as changing an owner's account is), and for server tokens
 * (made with `npm run token:create`, which belong to the operator rather than to any admin).
 */
export async function revokeApiToken(db: Db, actor: Actor, id: string): Promise<Result<object>> {
  const [token] = await db
    .select({ role: apiTokens.role, createdBy: apiTokens.createdBy })
    .from(apiTokens)
    .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)));
  if (!token) return fail('not_found', 'There is no such active token.');
  if (!canManage(actor.role, token.role)) return fail('forbidden', 'Only an owner can revoke an owner token.');
  if (token.createdBy === null && actor.role !== 'owner') return fail('forbidden', 'Only an owner can revoke a token made on the server.');
  const revoked = await db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  return revoked.length ? { ok: true } : fail('not_found', 'There is no such active token.');
}
