import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { POST as signin } from '@/app/api/auth/signin/route';
import { POST as setup } from '@/app/api/auth/setup/route';
import { POST as invite } from '@/app/api/invites/route';
import { POST as createToken } from '@/app/api/tokens/route';
import { ERROR_STATUS } from '@/lib/errors';
import { apiTokens, invites, sessions, signinThrottle, users } from '@/db/schema';
import { acceptInvite, createInvite, findInvite } from '@/lib/auth';
import { call, makeAccount, TEST_PASSWORD } from '@/test/auth';
import { useTestDatabase } from '@/test/db';

describe('oversized JSON bodies', () => {
  const database = useTestDatabase();
  const db = () => database().db;

  it('refuses bodies over 64 KiB with 413 payload_too_large before parsing, declared or streamed, changing nothing', async () => {
    const admin = await makeAccount(db(), 'admin');
    const snapshot = async () => ({
      users: await db().select().from(users),
      sessions: await db().select().from(sessions),
      throttle: await db().select().from(signinThrottle),
      // Token rows by id only: the admin's own token records its last use on every call.
      tokens: (await db().select({ id: apiTokens.id }).from(apiTokens)).length,
      invites: await db().select().from(invites),
    });
    const before = await snapshot();
    const huge = JSON.stringify({ email: 'a@example.com', password: 'x'.repeat(70 * 1024) });
    const cases = [
      call(signin, { method: 'POST', rawBody: huge }),
      call(signin, { method: 'POST', rawBody: huge, headers: { 'content-length': String(huge.length) } }),
      call(setup, { method: 'POST', rawBody: JSON.stringify({ name: 'n'.repeat(100_000), email: 'b@example.com', password: 'long enough pass' }) }),
      call(invite, { method: 'POST', bearer: admin.token, rawBody: JSON.stringify({ email: 'c@example.com', role: 'viewer', pad: 'p'.repeat(100_000) }) }),
      call(createToken, { method: 'POST', bearer: admin.token, rawBody: JSON.stringify({ name: 't'.repeat(100_000), role: 'viewer' }) }),
    ];
    for (const response of await Promise.all(cases)) {
      expect(response.status).toBe(413);
      expect((await response.json()).error.code).toBe('payload_too_large');
    }
    const after = await snapshot();
    expect(after).toEqual(before);
  });

  it('refuses malformed JSON with 400 invalid_json', async () => {
    const response = await call(signin, { method: 'POST', rawBody: '{"email": "a@example.com",' });
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe('invalid_json');
  });
});

describe('invite links', () => {
  const database = useTestDatabase();
  const db = () => database().db;

  it('maps invite_invalid to 410 Gone', () => {
    expect(ERROR_STATUS.invite_invalid).toBe(410);
  });

  it('work once: the second use is invite_invalid and creates nobody', async () => {
    const admin = await makeAccount(db(), 'admin');
    const created = await createInvite(db(), { role: admin.role, userId: admin.id }, { email: 'once@example.com', role: 'viewer', expiresInDays: 7 });
    if (!created.ok) throw new Error(created.message);
    const first = await acceptInvite(db(), { token: created.token, name: 'First', password: TEST_PASSWORD });
    expect(first.ok).toBe(true);
    const usersAfterFirst = await db().select().from(users);
    const second = await acceptInvite(db(), { token: created.token, name: 'Second', password: TEST_PASSWORD });
    expect(second.ok ? 'ok' : second.code).toBe('invite_invalid');
    expect(await db().select().from(users)).toEqual(usersAfterFirst);
    expect((await findInvite(db(), created.token)).ok).toBe(false);
  });

  it('admit exactly one of two concurrent acceptances', async () => {
    const admin = await makeAccount(db(), 'admin');
    const created = await createInvite(db(), { role: admin.role, userId: admin.id }, { email: 'race@example.com', role: 'editor', expiresInDays: 7 });
    if (!created.ok) throw new Error(created.message);
    const results = await Promise.all([
      acceptInvite(db(), { token: created.token, name: 'A', password: TEST_PASSWORD }),
      acceptInvite(db(), { token: created.token, name: 'B', password: TEST_PASSWORD }),
    ]);
    expect(results.map((r) => (r.ok ? 'ok' : r.code)).sort()).toEqual(['invite_invalid', 'ok']);
    expect(await db().select().from(users).where(eq(users.email, 'race@example.com'))).toHaveLength(1);
  });

  it('do not work after they expire, nor with a made-up token', async () => {
    const admin = await makeAccount(db(), 'admin');
    const created = await createInvite(db(), { role: admin.role, userId: admin.id }, { email: 'late@example.com', role: 'viewer', expiresInDays: 1 });
    if (!created.ok) throw new Error(created.message);
    await db().update(invites).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(invites.id, created.invite.id));
    const before = await db().select().from(users);
    for (const token of [created.token, 'made-up-token']) {
      const result = await acceptInvite(db(), { token, name: 'Late', password: TEST_PASSWORD });
      expect(result.ok ? 'ok' : result.code).toBe('invite_invalid');
    }
    expect(await db().select().from(users)).toEqual(before);
    const [invite] = await db().select().from(invites).where(eq(invites.id, created.invite.id));
    expect(invite.usedAt).toBeNull();
  });
});
