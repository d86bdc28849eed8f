import { and, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '@/db/handle';
import { apiTokens, sessions, users, type Role } from '@/db/schema';
import { lowerRole } from './roles';
import { hashToken } from './secrets';

export const SESSION_COOKIE = 'loupe_session';
export const API_TOKEN_PREFIX = 'loupe_';

/** Who is making a request: a signed-in person (session) or a script (API token). */
export type Caller =
  | { kind: 'user'; userId: string; name: string; email: string; role: Role; sessionHash: string }
  | { kind: 'token'; tokenId: string; name: string; role: Role; userId: string | null };

/** The user behind a session cookie value, if the session is live and the user active. */
export async function callerFromSession(db: Db, cookieValue: string | undefined): Promise<Caller | null> {
  if (!cookieValue) return null;
  const sessionHash = hashToken(cookieValue);
  const [row] = await db
    .select({ userId: users.id, name: users.name, email: users.email, role: users.role })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, sessionHash), gt(sessions.expiresAt, sql`now()`), eq(users.active, true)))
    .limit(1);
  return row ? { kind: 'user', ...row, sessionHash } : null;
}

/** last_used_at is shown to the minute; refreshing it more often would turn every API read into a write. */
const LAST_USED_RESOLUTION = sql`interval '1 minute'`;

/**
 * The API token behind an `Authorization: Bearer` header, if it is live; records when it was last used.
 * A token made by a person acts with at most that person's current role and dies with their account: demoting
 * or deactivating someone reaches their scripts too. Tokens made on the server (`npm run token:create`,
 * created_by null) belong to the operator and keep their own role.
 */
export async function callerFromBearer(db: Db, header: string | null): Promise<Caller | null> {
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  if (!match) return null;
  const [row] = await db
    .select({ tokenId: apiTokens.id, name: apiTokens.name, role: apiTokens.role, userId: apiTokens.createdBy, creatorRole: users.role })
    .from(apiTokens)
    .leftJoin(users, eq(users.id, apiTokens.createdBy))
    .where(
      and(
        eq(apiTokens.tokenHash, hashToken(match[1])),
        isNull(apiTokens.revokedAt),
        or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, sql`now()`)),
        or(isNull(apiTokens.createdBy), eq(users.active, true)),
      ),
    )
    .limit(1);
  if (!row) return null;
  await db
    .update(apiTokens)
    .set({ lastUsedAt: sql`now()` })
    .where(and(eq(apiTokens.id, row.tokenId), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, sql`now() - ${LAST_USED_RESOLUTION}`))));
  const { creatorRole, ...token } = row;
  return { kind: 'token', ...token, role: creatorRole ? lowerRole(token.role, creatorRole) : token.role };
}
