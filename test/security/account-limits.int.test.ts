import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { POST as regenerate } from '@/app/api/assets/[id]/alt/regenerate/route';
import { POST as setup } from '@/app/api/auth/setup/route';
import { users } from '@/db/schema';
import { POST as createInviteRoute } from '@/app/api/invites/route';
import { acceptInvite } from '@/lib/auth';
import { ERROR_STATUS } from '@/lib/errors';
import { resetConfig } from '@/lib/config';
import { call, makeAccount } from '@/test/auth';
import { useTestDatabase } from '@/test/db';
import { startUpload, testJpeg, useTemporaryLocalStorage } from '@/test/ingest';

/** Issue 12, item 9: new passwords must be hard to guess; what one account can start per minute is bounded. */
describe('account limits', () => {
  const database = useTestDatabase();
  useTemporaryLocalStorage();
  afterEach(() => {
    vi.unstubAllEnvs();
    resetConfig();
  });

  it.each([
    ['a common password', 'password1234'],
    ['a keyboard walk', 'qwertyuiop123'],
    ['a repeated character', 'aaaaaaaaaaaaaaaa'],
    ['the person’s own email', 'owner@example.com1'],
  ])('refuses %s at setup with 422 and a clear message, creating no user', async (_case, password) => {
    const answer = await call(setup, { method: 'POST', body: { name: 'Owner', email: 'owner@example.com', password } });
    expect(answer.status).toBe(422);
    const { error } = await answer.json();
    expect(error.code).toBe('validation_failed');
    expect(error.message).toMatch(/^Invalid body: password: This password is too easy to guess\..* Use a longer phrase of unrelated words, not your name or email\.$/);
    expect(await database().db.select().from(users)).toEqual([]);
  });

  /** A pending invite for `email`, as an admin makes it; its token. */
  async function inviteFor(email: string): Promise<string> {
    const admin = await makeAccount(database().db, 'admin');
    const response = await call(createInviteRoute, { method: 'POST', cookie: admin.cookie, body: { email, role: 'editor' } });
    expect(response.status).toBe(201);
    return (await response.json()).url.split('/').pop();
  }

  it.each([
    ['the invite’s email', (email: string) => email, /It is made from your name or email address/],
    ['the invite’s email in other capitals', (email: string) => email.toUpperCase(), /It is made from your name or email address/],
    ['the email’s local part', (email: string) => email.split('@')[0], /It is made from your name or email address/],
    ['the name given', () => 'Jordan Smith 2024', /It is made from your name or email address/],
    ['a common password', () => 'letmein123456', /This is similar to a commonly used password/],
  ])('refuses %s as the password when accepting an invite, with 422 and a clear message, keeping the invite', async (_case, passwordOf, why) => {
    const email = `quorvant.beldrix.${crypto.randomUUID().slice(0, 4)}@example.com`;
    const token = await inviteFor(email);
    const refused = await acceptInvite(database().db, { token, name: 'Jordan Smith', password: passwordOf(email) });
    if (refused.ok) throw new Error('a password made from the email was accepted');
    expect(ERROR_STATUS[refused.code]).toBe(422);
    expect(refused.message).toMatch(/^This password is too easy to guess\. .* Use a longer phrase of unrelated words, not your name or email\.$/);
    expect(refused.message).toMatch(why);
    expect(await database().db.select().from(users).where(eq(users.email, email))).toEqual([]);
    // The invite is still good: the same link with a strong password gets in.
    expect((await acceptInvite(database().db, { token, name: 'Jordan Smith', password: 'violet anchor drifts slowly' })).ok).toBe(true);
  });

  it('refuses uploads past UPLOADS_PER_MINUTE per account with 429 and Retry-After, even when sent at once', async () => {
    vi.stubEnv('UPLOADS_PER_MINUTE', '3');
    resetConfig();
    const editor = await makeAccount(database().db, 'editor');
    const answers = await Promise.all(Array.from({ length: 6 }, async (_, i) => startUpload(editor, await testJpeg(9100 + i))));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 201, 201, 429, 429, 429]);
    const refused = answers.find((a) => a.status === 429);
    const seconds = Number(refused?.headers.get('retry-after'));
    expect(seconds).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(60);
    expect((await refused?.json()).error).toMatchObject({ code: 'rate_limited', message: expect.stringMatching(/^Too many uploads started: at most 3 a minute per account\./) });
    // Another account has its own count.
    expect((await startUpload(await makeAccount(database().db, 'editor'), await testJpeg(9200))).status).toBe(201);
  });

  it('refuses regenerations past REGENERATIONS_PER_MINUTE per account with 429 and Retry-After', async () => {
    vi.stubEnv('REGENERATIONS_PER_MINUTE', '2');
    resetConfig();
    const editor = await makeAccount(database().db, 'editor');
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => call(regenerate, { method: 'POST', bearer: editor.token, params: { id: crypto.randomUUID() } })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([404, 404, 429, 429]);
    expect(Number(answers.find((a) => a.status === 429)?.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
