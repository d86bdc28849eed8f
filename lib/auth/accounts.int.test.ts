import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { sessions, users, invites, apiTokens } from '@/db/schema';
import { POST as setup } from '@/app/api/auth/setup/route';
import { POST as signin } from '@/app/api/auth/signin/route';
import { POST as signout } from '@/app/api/auth/signout/route';
import { GET as me } from '@/app/api/auth/me/route';
import { GET as listUsers } from '@/app/api/users/route';
import { PATCH as patchUser } from '@/app/api/users/[id]/route';
import { GET as listInvites, POST as invite } from '@/app/api/invites/route';
import { GET as listTokens, POST as createToken } from '@/app/api/tokens/route';
import { DELETE as revokeToken } from '@/app/api/tokens/[id]/route';
import { useTestDatabase } from '@/test/db';
import { acceptInvite } from './invites';
import { call, makeAccount, sessionCookieFrom, TEST_PASSWORD } from '@/test/auth';

describe('accounts, end to end through the API', () => {
  const database = useTestDatabase();
  const db = () => database().db;

  let ownerCookie = '';

  it('sets up the owner once, even when two setups race', async () => {
    const body = (email: string) => ({ name: 'Olive Owner', email, password: 'a long passphrase' });
    const [first, second] = await Promise.all([
      call(setup, { method: 'POST', body: body('Olive@Example.com') }),
      call(setup, { method: 'POST', body: body('other@example.com') }),
    ]);
    const statuses = [first.status, second.status].sort();
    expect(statuses).toEqual([201, 409]);
    const owners = await db().select().from(users).where(eq(users.role, 'owner'));
    expect(owners).toHaveLength(1);
    const winner = first.status === 201 ? first : second;
    const loser = first.status === 201 ? second : first;
    expect((await loser.json()).error.code).toBe('setup_complete');
    ownerCookie = sessionCookieFrom(winner) ?? '';
    const setCookie = winner.headers.getSetCookie().join(';');
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=lax/i);
    expect(setCookie).not.toMatch(/Secure/i);
    const whoami = await (await call(me, { cookie: ownerCookie })).json();
    expect(whoami.caller.role).toBe('owner');
  });

  it('refuses setup once an owner exists, leaving users unchanged', async () => {
    const before = await db().select().from(users);
    const response = await call(setup, { method: 'POST', body: { name: 'Mallory', email: 'mallory@example.com', password: 'another long one' } });
    expect(response.status).toBe(409);
    expect((await response.json()).error.code).toBe('setup_complete');
    expect(await db().select().from(users)).toEqual(before);
  });

  it('refuses a setup password under 12 characters with validation_failed', async () => {
    const response = await call(setup, { method: 'POST', body: { name: 'A', email: 'a@example.com', password: 'short' } });
    expect(response.status).toBe(422);
    expect((await response.json()).error.code).toBe('validation_failed');
  });

  it('signs in with the right password (email case-insensitive) and out again, deleting the session', async () => {
    const owner = (await db().select().from(users).where(eq(users.role, 'owner')))[0];
    const response = await call(signin, { method: 'POST', body: { email: owner.email.toUpperCase(), password: 'a long passphrase' } });
    expect(response.status).toBe(200);
    const cookie = sessionCookieFrom(response) ?? '';
    expect((await call(me, { cookie })).status).toBe(200);
    const out = await call(signout, { method: 'POST', cookie });
    expect(out.status).toBe(200);
    expect(out.headers.getSetCookie().join(';')).toMatch(/Expires=Thu, 01 Jan 1970/);
    expect((await call(me, { cookie })).status).toBe(401);
  });

  it('marks the cookie Secure when the request came over HTTPS', async () => {
    const owner = (await db().select().from(users).where(eq(users.role, 'owner')))[0];
    const response = await call(signin, {
      method: 'POST',
      headers: { 'x-forwarded-proto': 'https' },
      // The full origin is compared (scheme included): a page served over https posts from https.
      origin: 'https://loupe.test',
      body: { email: owner.email, password: 'a long passphrase' },
    });
    expect(response.headers.getSetCookie().join(';')).toMatch(/Secure/);
  });

  it('refuses a wrong password and an unknown email with the same invalid_credentials answer', async () => {
    const wrong = await call(signin, { method: 'POST', body: { email: 'olive@example.com', password: 'not the password' }, headers: { 'x-forwarded-for': '10.0.0.1' } });
    const unknown = await call(signin, { method: 'POST', body: { email: 'nobody@example.com', password: 'not the password' }, headers: { 'x-forwarded-for': '10.0.0.2' } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const [a, b] = [await wrong.json(), await unknown.json()];
    expect(a).toEqual(b);
    expect(a.error.code).toBe('invalid_credentials');
    expect(sessionCookieFrom(wrong)).toBeUndefined();
  });

  describe('administration', () => {
    let admin: Awaited<ReturnType<typeof makeAccount>>;
    beforeAll(async () => {
      admin = await makeAccount(db(), 'admin');
    });

    it('invites an editor with a one-time link that signs them in as an editor', async () => {
      const response = await call(invite, { method: 'POST', cookie: admin.cookie, body: { email: 'Eddie@Example.com', role: 'editor' } });
      expect(response.status).toBe(201);
      const { url, invite: created } = await response.json();
      expect(url).toMatch(/^http:\/\/loupe\.test\/invite\/[A-Za-z0-9_-]{43}$/);
      expect(created.email).toBe('eddie@example.com');
      expect(new Date(created.expiresAt).getTime() - Date.now()).toBeGreaterThan(6.9 * 24 * 3600 * 1000);
      const [stored] = await db().select().from(invites).where(eq(invites.id, created.id));
      expect(stored.tokenHash).not.toContain(url.split('/').pop());
      const pending = await (await call(listInvites, { cookie: admin.cookie })).json();
      expect(pending.invites.map((i: { id: string }) => i.id)).toContain(created.id);

      const accepted = await acceptInvite(db(), { token: url.split('/').pop(), name: 'Eddie Editor', password: TEST_PASSWORD });
      expect(accepted.ok).toBe(true);
      const [eddie] = await db().select().from(users).where(eq(users.email, 'eddie@example.com'));
      expect(eddie.role).toBe('editor');
    });

    it('refuses an invite for a role above the inviter (forbidden) and for an existing account (email_taken)', async () => {
      const before = await db().select().from(invites);
      const owner = await call(invite, { method: 'POST', cookie: admin.cookie, body: { email: 'new@example.com', role: 'owner' } });
      expect(owner.status).toBe(403);
      expect((await owner.json()).error.code).toBe('forbidden');
      const taken = await call(invite, { method: 'POST', cookie: admin.cookie, body: { email: 'eddie@example.com', role: 'viewer' } });
      expect(taken.status).toBe(409);
      expect((await taken.json()).error.code).toBe('email_taken');
      expect(await db().select().from(invites)).toEqual(before);
    });

    it('lists users without password hashes', async () => {
      const response = await call(listUsers, { cookie: admin.cookie });
      const text = await response.text();
      expect(response.status).toBe(200);
      expect(text).not.toMatch(/password|scrypt\$/i);
      expect(JSON.parse(text).users.length).toBeGreaterThanOrEqual(3);
    });

    it('changes an editor to a viewer; refuses making an owner or demoting the owner as an admin', async () => {
      const [eddie] = await db().select().from(users).where(eq(users.email, 'eddie@example.com'));
      const [owner] = await db().select().from(users).where(eq(users.role, 'owner'));
      const demote = await call(patchUser, { method: 'PATCH', cookie: admin.cookie, params: { id: eddie.id }, body: { role: 'viewer' } });
      expect(demote.status).toBe(200);
      expect((await demote.json()).user.role).toBe('viewer');

      const promote = await call(patchUser, { method: 'PATCH', cookie: admin.cookie, params: { id: eddie.id }, body: { role: 'owner' } });
      expect(promote.status).toBe(403);
      const touchOwner = await call(patchUser, { method: 'PATCH', cookie: admin.cookie, params: { id: owner.id }, body: { role: 'editor' } });
      expect(touchOwner.status).toBe(403);
      const [ownerAfter] = await db().select().from(users).where(eq(users.id, owner.id));
      const [eddieAfter] = await db().select().from(users).where(eq(users.id, eddie.id));
      expect(ownerAfter.role).toBe('owner');
      expect(eddieAfter.role).toBe('viewer');
    });

    it('refuses to demote or deactivate the last owner (last_owner), even when the owner asks', async () => {
      const [owner] = await db().select().from(users).where(eq(users.role, 'owner'));
      const demote = await call(patchUser, { method: 'PATCH', cookie: ownerCookie, params: { id: owner.id }, body: { role: 'admin' } });
      expect(demote.status).toBe(409);
      expect((await demote.json()).error.code).toBe('last_owner');
      const deactivateSelf = await call(patchUser, { method: 'PATCH', cookie: ownerCookie, params: { id: owner.id }, body: { active: false } });
      expect(deactivateSelf.status).toBe(409);
      const [after] = await db().select().from(users).where(eq(users.id, owner.id));
      expect(after).toMatchObject({ role: 'owner', active: true });
    });

    it('returns 404 for an unknown user id and 422 for a malformed one', async () => {
      const unknown = await call(patchUser, { method: 'PATCH', cookie: admin.cookie, params: { id: crypto.randomUUID() }, body: { active: false } });
      expect(unknown.status).toBe(404);
      const malformed = await call(patchUser, { method: 'PATCH', cookie: admin.cookie, params: { id: '../1' }, body: { active: false } });
      expect(malformed.status).toBe(422);
    });

    it('deactivates a user: their sessions are deleted at once and they cannot sign in', async () => {
      const victim = await makeAccount(db(), 'editor');
      expect((await call(me, { cookie: victim.cookie })).status).toBe(200);
      const response = await call(patchUser, { method: 'PATCH', cookie: admin.cookie, params: { id: victim.id }, body: { active: false } });
      expect(response.status).toBe(200);
      expect(await db().select().from(sessions).where(eq(sessions.userId, victim.id))).toEqual([]);
      expect((await call(me, { cookie: victim.cookie })).status).toBe(401);
      const again = await call(signin, { method: 'POST', body: { email: victim.email, password: TEST_PASSWORD } });
      expect(again.status).toBe(403);
      expect((await again.json()).error.code).toBe('account_deactivated');
    });

    it('creates an API token shown once, stored hashed, usable as Bearer, listed with last use, revocable', async () => {
      const response = await call(createToken, { method: 'POST', cookie: admin.cookie, body: { name: 'CI uploader', role: 'editor', expiresInDays: 30 } });
      expect(response.status).toBe(201);
      const { token, apiToken } = await response.json();
      expect(token).toMatch(/^loupe_[A-Za-z0-9_-]{43}$/);
      const [stored] = await db().select().from(apiTokens).where(eq(apiTokens.id, apiToken.id));
      expect(stored.tokenHash).not.toBe(token);
      expect(stored.tokenHash).toMatch(/^[0-9a-f]{64}$/);

      const whoami = await (await call(me, { bearer: token })).json();
      expect(whoami.caller).toMatchObject({ kind: 'token', role: 'editor', name: 'CI uploader' });
      const listed = await call(listTokens, { cookie: admin.cookie });
      const listedText = await listed.text();
      expect(listedText).not.toContain(token);
      expect(listedText).not.toMatch(/token_?hash/i);
      const row = JSON.parse(listedText).tokens.find((t: { id: string }) => t.id === apiToken.id);
      expect(row.lastUsedAt).not.toBeNull();

      expect((await call(revokeToken, { method: 'DELETE', cookie: admin.cookie, params: { id: apiToken.id } })).status).toBe(204);
      expect((await call(me, { bearer: token })).status).toBe(401);
      const again = await call(revokeToken, { method: 'DELETE', cookie: admin.cookie, params: { id: apiToken.id } });
      expect(again.status).toBe(404);
    });

    it('refuses a token with a role above the creator (forbidden), creating nothing', async () => {
      const ids = async () => (await db().select({ id: apiTokens.id }).from(apiTokens)).map((t) => t.id).sort();
      const before = await ids();
      const response = await call(createToken, { method: 'POST', bearer: admin.token, body: { name: 'too strong', role: 'owner' } });
      expect(response.status).toBe(403);
      expect(await ids()).toEqual(before);
    });
  });
});
