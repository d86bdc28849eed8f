import { eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { POST as signinRoute } from '@/app/api/auth/signin/route';
import { sessions, signinThrottle } from '@/db/schema';
import { signIn, clientAddress, waitAfter } from '@/lib/auth';
import { call, makeAccount, TEST_PASSWORD } from '@/test/auth';
import { resetConfig } from '@/lib/config';
import { useTestDatabase } from '@/test/db';

const MINUTE = 60_000;

describe('brute-force sign-in', { timeout: 240_000 }, () => {
  const database = useTestDatabase();
  const db = () => database().db;

  it('slows a pair (account, address) down after three attempts and locks it at ten; the account alone is only slowed', () => {
    const pair = { freeAttempts: 3, lockAt: 10 };
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => waitAfter(n, pair))).toEqual([0, 0, 0, 1000, 2000, 4000, 8000, 16000, 30000, 15 * MINUTE]);
    const account = { freeAttempts: 3, lockAt: null };
    expect([4, 9, 10, 50, 500].map((n) => waitAfter(n, account))).toEqual([1000, 30000, 30000, 30000, 30000]);
  });

  it('locks one address out of one account after ten wrong passwords, refusing even the right one there until the lock ends', async () => {
    const victim = await makeAccount(db(), 'editor');
    const address = '198.51.100.7';
    let now = new Date('2030-01-01T09:00:00Z');
    for (let attempt = 1; attempt <= 10; attempt += 1) {
      const result = await signIn(db(), { email: victim.email, password: `guess ${attempt}`, address, now });
      expect(result.ok ? 'ok' : result.code).toBe('invalid_credentials');
      now = new Date(now.getTime() + 31_000);
    }
    const locked = await signIn(db(), { email: victim.email, password: TEST_PASSWORD, address, now });
    expect(locked.ok ? 'ok' : locked.code).toBe('locked_out');
    if (!locked.ok) {
      expect(locked.message).toMatch(/Too many failed sign-ins\. Wait 15 minutes and try again \(after 09:19:39 UTC\)\./);
      expect(locked.headers?.['Retry-After']).toBe(String(15 * 60 - 31));
    }
    // The owner of the account, elsewhere, is at most slowed down: never locked out by someone else's guesses.
    const elsewhere = await signIn(db(), { email: victim.email, password: TEST_PASSWORD, address: '203.0.113.9', now: new Date(now.getTime() + 30_000) });
    expect(elsewhere.ok).toBe(true);
    const later = await signIn(db(), { email: victim.email, password: TEST_PASSWORD, address, now: new Date(now.getTime() + 15 * MINUTE) });
    expect(later.ok).toBe(true);
  });

  it('slows guesses spread over 20 addresses: an address that has failed waits for the account, a clean one gets one check, the owner gets in', async () => {
    const owner = await makeAccount(db(), 'owner');
    let now = new Date('2030-03-01T09:00:00Z');
    for (let attempt = 1; attempt <= 20; attempt += 1) {
      const result = await signIn(db(), { email: owner.email, password: `guess ${attempt}`, address: `192.0.2.${attempt}`, now });
      expect(result.ok ? 'ok' : result.code).toBe('invalid_credentials');
      now = new Date(now.getTime() + 31_000);
    }
    const justAfter = (seconds: number) => new Date(now.getTime() - 31_000 + seconds * 1000);
    // 192.0.2.1 failed once, long enough ago that its own count lets it try: the account's slowdown holds it back.
    const failing = await signIn(db(), { email: owner.email, password: `guess again`, address: '192.0.2.1', now: justAfter(1) });
    expect(failing.ok ? 'ok' : failing.code).toBe('locked_out');
    if (!failing.ok) expect(Number(failing.headers?.['Retry-After'])).toBeLessThanOrEqual(30);
    // A new address is checked once; having failed, it waits like the others.
    const fresh = (seconds: number) => signIn(db(), { email: owner.email, password: 'fresh guess', address: '198.51.100.201', now: justAfter(seconds) });
    expect(await fresh(1).then((r) => (r.ok ? 'ok' : r.code))).toBe('invalid_credentials');
    expect(await fresh(2).then((r) => (r.ok ? 'ok' : r.code))).toBe('locked_out');
    // The owner, from an address that has not been failing, gets in at once.
    expect((await signIn(db(), { email: owner.email, password: TEST_PASSWORD, address: '198.51.100.200', now: justAfter(2) })).ok).toBe(true);
  });

  it('lets the owner in right after nine wrong passwords sent one per Retry-After from another address (the attack that kept the owner out)', async () => {
    const owner = await makeAccount(db(), 'owner');
    const start = new Date('2030-05-01T09:00:00Z').getTime();
    const at = (ms: number) => new Date(start + ms);
    const lastGuess = 8 * 33_000;
    for (let guess = 0; guess < 9; guess += 1) {
      const result = await signIn(db(), { email: owner.email, password: `guess ${guess}`, address: '127.0.0.2', now: at(guess * 33_000) });
      expect(result.ok ? 'ok' : result.code).toBe('invalid_credentials');
    }
    for (const after of [0, 8_000, 16_000]) {
      const result = await signIn(db(), { email: owner.email, password: TEST_PASSWORD, address: '127.0.0.1', now: at(lastGuess + after) });
      expect(result.ok ? 'ok' : result.code, `${after / 1000} s after the last guess`).toBe('ok');
    }
  });

  it('counts 40 guesses sent at once before checking any password: at most 4 are checked, the rest wait', async () => {
    const victim = await makeAccount(db(), 'viewer');
    const now = new Date('2030-04-01T09:00:00Z');
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => signIn(db(), { email: victim.email, password: `parallel ${i}`, address: '198.51.100.40', now })),
    );
    const codes = results.map((r) => (r.ok ? 'ok' : r.code));
    expect(codes.filter((c) => c === 'invalid_credentials').length).toBeLessThanOrEqual(4);
    expect(codes.filter((c) => c === 'locked_out').length).toBeGreaterThanOrEqual(36);
    const [row] = await db().select().from(signinThrottle).where(eq(signinThrottle.key, `login:${victim.email}|198.51.100.40`));
    expect(row.failures).toBeLessThanOrEqual(4);
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

  it('answers an attempt from a locked pair over HTTP with 429 locked_out, Retry-After, and no session', async () => {
    const victim = await makeAccount(db(), 'viewer');
    const attempt = (password: string) =>
      call(signinRoute, { method: 'POST', body: { email: victim.email, password }, headers: { 'x-loupe-peer-address': '198.18.0.1' } });
    expect((await attempt('wrong once')).status).toBe(401);
    // The lock a run of wrong passwords leaves (set directly: real waits would make the test depend on timing).
    await db()
      .update(signinThrottle)
      .set({ failures: 10, lockedUntil: new Date(Date.now() + 90_000) })
      .where(eq(signinThrottle.key, `login:${victim.email}|198.18.0.1`));
    const sessionsBefore = await db().select().from(sessions);
    const refused = await attempt(TEST_PASSWORD);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = await refused.json();
    expect(body.error.code).toBe('locked_out');
    expect(body.error.message).toMatch(/Wait \d+ seconds and try again/);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(90);
    expect(refused.headers.getSetCookie()).toEqual([]);
    expect(await db().select().from(sessions)).toEqual(sessionsBefore);
  });

  it('believes X-Forwarded-For only as far as TRUST_PROXY says', async () => {
    const headers = new Headers({ 'x-forwarded-for': '6.6.6.6, 198.18.0.9, 10.0.0.1', 'x-loupe-peer-address': '10.0.0.2' });
    const withTrust = async (value: string | undefined) => {
      vi.stubEnv('TRUST_PROXY', value ?? '');
      resetConfig();
      return clientAddress(headers);
    };
    try {
      expect(await withTrust(undefined)).toBe('10.0.0.2');
      expect(await withTrust('false')).toBe('10.0.0.2');
      expect(await withTrust('true')).toBe('10.0.0.1');
      expect(await withTrust('2')).toBe('198.18.0.9');
      expect(await withTrust('9')).toBe('6.6.6.6');
    } finally {
      vi.unstubAllEnvs();
      resetConfig();
    }
  });
});
