import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { GET as me } from '@/app/api/auth/me/route';
import { sessions } from '@/db/schema';
import { useTestDatabase } from '@/test/db';
import { SESSION_COOKIE } from './caller';
import { createSession, SESSION_TTL_MS } from './sessions';
import { call, makeAccount } from '@/test/auth';

describe('sessions', () => {
  const database = useTestDatabase();
  const db = () => database().db;

  it('last a fixed 30 days and stop working once expired', async () => {
    const account = await makeAccount(db(), 'viewer');
    const longAgo = new Date(Date.now() - SESSION_TTL_MS - 60_000);
    const expired = await createSession(db(), account.id, longAgo);
    expect(expired.expiresAt.getTime() - longAgo.getTime()).toBe(30 * 24 * 3600 * 1000);
    expect((await call(me, { cookie: `${SESSION_COOKIE}=${expired.token}` })).status).toBe(401);
  });

  it('delete the user’s expired sessions when a new one opens', async () => {
    const account = await makeAccount(db(), 'viewer');
    await createSession(db(), account.id, new Date(Date.now() - SESSION_TTL_MS - 60_000));
    expect(await db().select().from(sessions).where(eq(sessions.userId, account.id))).toHaveLength(2);
    await createSession(db(), account.id);
    const left = await db().select().from(sessions).where(eq(sessions.userId, account.id));
    expect(left).toHaveLength(2);
    expect(left.every((session) => session.expiresAt.getTime() > Date.now())).toBe(true);
  });

  it('refuse a tampered cookie', async () => {
    const account = await makeAccount(db(), 'viewer');
    const tampered = `${account.cookie.slice(0, -2)}xx`;
    expect((await call(me, { cookie: tampered })).status).toBe(401);
    expect((await call(me, { cookie: account.cookie })).status).toBe(200);
  });
});
