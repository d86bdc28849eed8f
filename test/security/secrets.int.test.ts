import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { POST as setup } from '@/app/api/auth/setup/route';
import { POST as signin } from '@/app/api/auth/signin/route';
import { apiTokens, sessions, users } from '@/db/schema';
import type { GuardedRoute } from '@/lib/auth';
import { signingSecret } from '@/lib/auth';
import { call, makeAccount, sessionCookieFrom } from '@/test/auth';
import { useTemporaryLocalStorage } from '@/test/ingest';
import { useTestDatabase } from '@/test/db';
import { appFiles, urlFor } from './app-files';

/** No response and no log line carries a password, a password hash, a token hash or the signing secret. */

const PASSWORD = 'the owner passphrase';

describe('secrets stay on the server', () => {
  const database = useTestDatabase();
  useTemporaryLocalStorage();
  let ownerCookie = '';
  const bodies: string[] = [];

  beforeAll(async () => {
    const response = await call(setup, { method: 'POST', body: { name: 'Owner', email: 'owner@example.com', password: PASSWORD } });
    bodies.push(await response.clone().text());
    ownerCookie = sessionCookieFrom(response) ?? '';
    await makeAccount(database().db, 'editor');
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('never answers any GET route, called as the owner, with a secret', async () => {
    for (const file of appFiles('route.ts')) {
      const module = (await import(/* @vite-ignore */ `@/${file}`)) as { GET?: GuardedRoute };
      if (!module.GET) continue;
      const { path, params } = urlFor(file);
      const response = await call(module.GET, { path, params, cookie: ownerCookie });
      bodies.push(`${response.headers.get('set-cookie') ?? ''}\n${await response.text()}`);
    }
    const secret = await signingSecret();
    const hashes = [
      ...(await database().db.select({ hash: users.passwordHash }).from(users)).map((row) => row.hash),
      ...(await database().db.select({ hash: apiTokens.tokenHash }).from(apiTokens)).map((row) => row.hash),
      ...(await database().db.select({ hash: sessions.tokenHash }).from(sessions)).map((row) => row.hash),
    ];
    expect(hashes.length).toBeGreaterThanOrEqual(5);
    for (const body of bodies) {
      expect(body).not.toContain(secret);
      expect(body).not.toContain(PASSWORD);
      expect(body).not.toMatch(/password_?hash|token_?hash|scrypt\$/i);
      for (const hash of hashes) expect(body).not.toContain(hash);
    }
  });

  it('logs nothing of a failed or successful sign-in (no email, password or token)', async () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) => vi.spyOn(console, level).mockImplementation(() => {}));
    const failed = await call(signin, { method: 'POST', body: { email: 'owner@example.com', password: 'a wrong password' } });
    const succeeded = await call(signin, { method: 'POST', body: { email: 'owner@example.com', password: PASSWORD } });
    expect([failed.status, succeeded.status]).toEqual([401, 200]);
    const logged = spies.flatMap((spy) => spy.mock.calls.flat().map(String)).join('\n');
    expect(logged).not.toContain(PASSWORD);
    expect(logged).not.toContain('a wrong password');
    expect(logged).not.toContain(sessionCookieFrom(succeeded)?.split('=')[1] ?? 'no cookie');
  });
});
