import { describe, expect, it } from 'vitest';
import { POST as signinRoute } from '@/app/api/auth/signin/route';
import { sessions, signinThrottle } from '@/db/schema';
import { signIn } from '@/lib/auth/signin';
import { call, makeAccount, TEST_PASSWORD } from '@/test/auth';
import { waitAfter } from '@/lib/auth/throttle';
import { useTestDatabase } from '@/test/db';

const MINUTE = 60_000;

describe('brute-force sign-in', () => {
  const database = useTestDatabase();
  const db = () => database().db;

  it('slows an account down progressively after three failures, then locks it for 15 minutes at ten', () => {
    const account = { freeFailures: 3, lockAt: 10 };
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => waitAfter(n, account))).toEqual([0, 0, 0, 1000, 2000, 4000, 8000, 16000, 30000, 15 * MINUTE]);
  });

  it('locks an account after ten wrong passwords (waiting out each delay) and refuses even the right one until the lock ends', async () => {
    const victim = await makeAccount(db(), 'editor');
    let now = new Date('2030-01-01T09:00:00Z');
    for (let attempt = 1; attempt <= 10; attempt += 1) {
      const result = await signIn(db(), { email: victim.email, password: `guess ${attempt}`, address: `198.51.100.${attempt}`, now });
      expect(result.ok ? 'ok' : result.code).toBe('invalid_credentials');
      now = new Date(now.getTime() + 31_000);
    }
    const locked = await signIn(db(), { email: victim.email, password: TEST_PASSWORD, address: '203.0.113.9', now });
    expect(locked.ok ? 'ok' : locked.code).toBe('locked_out');
    if (!locked.ok) {
      expect(locked.message).toMatch(/Too many failed sign-ins\. Wait 15 minutes and try again \(after 09:19:39 UTC\)\./);
      expect(locked.headers?.['Retry-After']).toBe(String(15 * 60 - 31));
    }
    const later = await signIn(db(), { email: victim.email, password: TEST_PASSWORD, address: '203.0.113.9', now: new Date(now.getTime() + 15 * MINUTE) });
    expect(later.ok).toBe(true);
  });

  it('locks an address guessing across many accounts, without locking those accounts for others', async () => {
    const address = '192.0.2.77';
    let now = new Date('2030-02-01T09:00:00Z');
    for (let attempt = 1; attempt <= 50; attempt += 1) {
      const result = await signIn(db(), { email: `nobody${attempt}@example.com`, password: 'wrong password', address, now });
      expect(result.ok ? 'ok' : result.code).toBe('invalid_credentials');
      now = new Date(now.getTime() + 31_000);
    }
    const someone = await makeAccount(db(), 'viewer');
    const fromAttacker = await signIn(db(), { email: someone.email, password: TEST_PASSWORD, address, now });
    expect(fromAttacker.ok ? 'ok' : fromAttacker.code).toBe('locked_out');
    const fromElsewhere = await signIn(db(), { email: someone.email, password: TEST_PASSWORD, address: '192.0.2.78', now });
    expect(fromElsewhere.ok).toBe(true);
  });

  it('answers the fourth quick wrong password over HTTP with 429 locked_out, Retry-After, and no session', async () => {
    const victim = await makeAccount(db(), 'viewer');
    const attempt = (password: string) =>
      call(signinRoute, { method: 'POST', body: { email: victim.email, password }, headers: { 'x-forwarded-for': '198.18.0.1, 10.0.0.1' } });
    for (let i = 0; i < 4; i += 1) expect((await attempt(`wrong ${i}`)).status).toBe(401);
    const sessionsBefore = await db().select().from(sessions);
    const refused = await attempt(TEST_PASSWORD);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = await refused.json();
    expect(body.error.code).toBe('locked_out');
    expect(body.error.message).toMatch(/Wait \d+ seconds and try again/);
    expect(refused.headers.getSetCookie()).toEqual([]);
    expect(await db().select().from(sessions)).toEqual(sessionsBefore);
    // Keyed by the first x-forwarded-for hop (the client), not the proxy behind it.
    const keys = (await db().select().from(signinThrottle)).map((row) => row.key);
    expect(keys).toContain('ip:198.18.0.1');
    expect(keys).not.toContain('ip:10.0.0.1');
  });
});
