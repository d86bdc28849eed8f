import { and, eq, lt } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { sessions } from '@/db/schema';
import { SESSION_COOKIE } from './caller';
import { hashToken, newToken } from './secrets';

/**
 * Sessions last a fixed 30 days from sign-in (not sliding): simple to reason about, and the cookie's Max-Age
 * matches the row, so the browser forgets it when the server does. Sign-out and deactivation delete the row.
 */
export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export interface NewSession {
  token: string;
  expiresAt: Date;
}

/** Opens a session; the user's expired ones are deleted on the way, so the table does not grow forever. */
export async function createSession(db: Db, userId: string, now = new Date()): Promise<NewSession> {
  const token = newToken();
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await db.delete(sessions).where(and(eq(sessions.userId, userId), lt(sessions.expiresAt, now)));
  await db.insert(sessions).values({ tokenHash: hashToken(token), userId, createdAt: now, lastSeenAt: now, expiresAt });
  return { token, expiresAt };
}

export async function deleteSession(db: Db, token: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.tokenHash, hashToken(token)));
}

export interface SessionCookie {
  name: string;
  value: string;
  options: { httpOnly: true; sameSite: 'lax'; secure: boolean; path: '/'; expires: Date };
}

export function sessionCookie(session: NewSession, secure: boolean): SessionCookie {
  return { name: SESSION_COOKIE, value: session.token, options: { httpOnly: true, sameSite: 'lax', secure, path: '/', expires: session.expiresAt } };
}

/** The cookie that makes the browser forget its session. */
export function clearedSessionCookie(secure: boolean): SessionCookie {
  return { name: SESSION_COOKIE, value: '', options: { httpOnly: true, sameSite: 'lax', secure, path: '/', expires: new Date(0) } };
}
