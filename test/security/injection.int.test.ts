import { describe, expect, it } from 'vitest';
import { POST as setup } from '@/app/api/auth/setup/route';
import { POST as signin } from '@/app/api/auth/signin/route';
import { PATCH as patchUser } from '@/app/api/users/[id]/route';
import { POST as invite } from '@/app/api/invites/route';
import { GET as listTokens, POST as createToken } from '@/app/api/tokens/route';
import { apiTokens, users } from '@/db/schema';
import { call, makeAccount } from '@/test/auth';
import { useTestDatabase } from '@/test/db';

/** SQL and tsquery syntax in every text input of the account routes is stored and returned as plain text. */

const HOSTILE = [
  "Robert'); DROP TABLE users; --",
  "x' OR '1'='1",
  'a & b | !c:* <-> d',
  '$$; SELECT pg_sleep(10); $$',
  'back\\slash "quoted" ;',
  "'; UPDATE users SET role = 'owner'; --",
];

describe('SQL and tsquery syntax in text inputs', () => {
  const database = useTestDatabase();
  const db = () => database().db;

  it('stores a hostile owner name verbatim at setup', async () => {
    const response = await call(setup, { method: 'POST', body: { name: HOSTILE[0], email: 'owner@example.com', password: 'a long passphrase' } });
    expect(response.status).toBe(201);
    const [owner] = await db().select().from(users);
    expect(owner.name).toBe(HOSTILE[0]);
  });

  it('stores hostile API token names verbatim and returns them unchanged', async () => {
    const admin = await makeAccount(db(), 'admin');
    for (const name of HOSTILE) {
      const response = await call(createToken, { method: 'POST', bearer: admin.token, body: { name, role: 'viewer' } });
      expect(response.status, name).toBe(201);
      expect((await response.json()).apiToken.name).toBe(name);
    }
    const listed = await (await call(listTokens, { bearer: admin.token })).json();
    for (const name of HOSTILE) expect(listed.tokens.map((t: { name: string }) => t.name)).toContain(name);
    expect((await db().select().from(users)).every((user) => user.role !== 'owner' || user.email === 'owner@example.com')).toBe(true);
  });

  it('refuses NUL and other control characters in names (validation_failed) rather than failing in the database', async () => {
    const admin = await makeAccount(db(), 'admin');
    const before = (await db().select({ id: apiTokens.id }).from(apiTokens)).length;
    for (const name of ['nul\u0000byte', 'bell\u0007', 'line\nbreak']) {
      const response = await call(createToken, { method: 'POST', bearer: admin.token, body: { name, role: 'viewer' } });
      expect(response.status, JSON.stringify(name)).toBe(422);
      expect((await response.json()).error.code).toBe('validation_failed');
    }
    expect((await db().select({ id: apiTokens.id }).from(apiTokens)).length).toBe(before);
  });

  it('refuses hostile sign-in emails as invalid (422) or unknown (401), never signing anyone in', async () => {
    const before = await db().select().from(users);
    for (const email of ["' OR '1'='1", "owner@example.com' --", "o'brien@example.com", 'owner@example.com\' OR 1=1 --@x.com']) {
      const response = await call(signin, { method: 'POST', body: { email, password: "' OR '1'='1" } });
      expect([401, 422], email).toContain(response.status);
      expect(response.headers.getSetCookie()).toEqual([]);
    }
    expect(await db().select().from(users)).toEqual(before);
  });

  it('refuses a role that is not one of the four (validation_failed), changing nothing', async () => {
    const admin = await makeAccount(db(), 'admin');
    const target = await makeAccount(db(), 'viewer');
    const before = await db().select().from(users);
    for (const role of ["owner' --", 'editor; DROP TABLE users', 'OWNER']) {
      const response = await call(patchUser, { method: 'PATCH', bearer: admin.token, params: { id: target.id }, body: { role } });
      expect(response.status, role).toBe(422);
      expect((await response.json()).error.code).toBe('validation_failed');
    }
    const invited = await call(invite, { method: 'POST', bearer: admin.token, body: { email: "x@example.com'; DROP TABLE invites; --", role: 'viewer' } });
    expect(invited.status).toBe(422);
    expect(await db().select().from(users)).toEqual(before);
    expect((await db().select().from(apiTokens)).length).toBeGreaterThan(0);
  });
});
