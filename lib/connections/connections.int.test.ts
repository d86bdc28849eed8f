import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GET as getRoute, DELETE as deleteRoute, PATCH as patchRoute } from '@/app/api/connections/[id]/route';
import { POST as conflictRoute } from '@/app/api/connections/[id]/conflicts/[remoteId]/route';
import { POST as syncRoute } from '@/app/api/connections/[id]/sync/route';
import { GET as runsRoute } from '@/app/api/connections/[id]/runs/route';
import { POST as writebackRoute } from '@/app/api/connections/[id]/writeback/route';
import { POST as undoRoute } from '@/app/api/connections/[id]/runs/[runId]/undo/route';
import { GET as listRoute, POST as createRoute } from '@/app/api/connections/route';
import { connections } from '@/db/schema';
import { resetConfig } from '@/lib/config';
import type { GuardedRoute } from '@/lib/auth';
import { call, makeAccount, type TestAccount } from '@/test/auth';
import { useTestDatabase } from '@/test/db';
import { fakeStore, type FakeStore } from '@/test/fake-connector';
import { openSecret } from './secret';
import { useConnectorForTests, type ConnectionView } from './index';

/**
 * Connections through the real routes and guard: credentials checked with the store before saving, stored
 * encrypted (no plain text in the row, none in any answer), replaced to rotate; private addresses refused.
 */

const database = useTestDatabase();
const PASSWORD = 'app-password-1234';
let admin: TestAccount;
let editor: TestAccount;
let store: FakeStore;

function allowPrivate(allowed: boolean) {
  process.env.CONNECTIONS_ALLOW_PRIVATE = allowed ? 'true' : 'false';
  resetConfig();
}

beforeAll(async () => {
  admin = await makeAccount(database().db, 'admin');
  editor = await makeAccount(database().db, 'editor');
});

beforeEach(async () => {
  allowPrivate(true);
  store = fakeStore();
  useConnectorForTests(store.connector);
  await database().db.delete(connections);
});

afterAll(() => {
  useConnectorForTests(undefined, 'wordpress');
  delete process.env.CONNECTIONS_ALLOW_PRIVATE;
  resetConfig();
});

const body = (overrides: Record<string, unknown> = {}) => ({ kind: 'wordpress', name: 'Main shop', url: 'https://shop.example.com/', username: 'shop-admin', applicationPassword: PASSWORD, ...overrides });

async function create(overrides: Record<string, unknown> = {}): Promise<Response> {
  return call(createRoute, { method: 'POST', cookie: admin.cookie, body: body(overrides) });
}

describe('connecting a store', () => {
  it('checks the credentials with the store, saves them encrypted and never answers them', async () => {
    const response = await create();
    expect(response.status).toBe(201);
    const text = await response.text();
    expect(text).not.toContain(PASSWORD);
    const { connection } = JSON.parse(text) as { connection: ConnectionView };
    expect(connection).toMatchObject({ name: 'Main shop', url: 'https://shop.example.com', username: 'shop-admin', account: 'shop-admin', writebackMode: 'on_approval', status: 'active' });

    const [row] = await database().db.select().from(connections).where(eq(connections.id, connection.id));
    // At rest: ciphertext, IV and tag only; no column holds the password, in any encoding.
    const stored = JSON.stringify(row);
    for (const form of [PASSWORD, Buffer.from(PASSWORD).toString('base64'), Buffer.from(PASSWORD).toString('hex')]) expect(stored).not.toContain(form);
    expect(await openSecret(row.id, { ciphertext: row.secretCiphertext, iv: row.secretIv, tag: row.secretTag })).toBe(PASSWORD);
    // Bound to its row: the same ciphertext on another id does not decrypt.
    expect(await openSecret(crypto.randomUUID(), { ciphertext: row.secretCiphertext, iv: row.secretIv, tag: row.secretTag })).toBeNull();

    for (const answer of [await call(listRoute, { cookie: admin.cookie }), await call(getRoute, { cookie: admin.cookie, params: { id: connection.id } })]) {
      expect(answer.status).toBe(200);
      const json = await answer.text();
      expect(json).not.toContain(PASSWORD);
      expect(json).not.toContain(row.secretCiphertext);
    }
  });

  it.each([
    ['unreachable', 'store_unreachable', 422],
    ['not_platform', 'not_a_store', 422],
    ['unauthorized', 'store_unauthorized', 422],
    ['forbidden', 'store_forbidden', 422],
    ['rate_limited', 'store_rate_limited', 429],
  ] as const)('refuses a store whose check answers %s with %s, saving nothing', async (code, apiCode, status) => {
    store.failing.verify = { code, message: `the store said ${code}` };
    const response = await create();
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(apiCode);
    expect(await database().db.select().from(connections)).toHaveLength(0);
  });

  it('refuses a wrong application password with store_unauthorized', async () => {
    const response = await create({ applicationPassword: 'wrong-password' });
    expect(response.status).toBe(422);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('store_unauthorized');
  });

  it('refuses stores on private or loopback addresses unless CONNECTIONS_ALLOW_PRIVATE', async () => {
    allowPrivate(false);
    for (const url of ['http://127.0.0.1:8080', 'http://[::ffff:10.0.0.1]/', 'http://192.168.1.20']) {
      const response = await create({ url });
      expect(response.status).toBe(422);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('private_address');
    }
    expect(store.calls.list).toHaveLength(0);
    allowPrivate(true);
    expect((await create({ url: 'http://127.0.0.1:8080' })).status).toBe(201);
  });

  it('refuses what is not an http(s) store address', async () => {
    for (const url of ['ftp://shop.example.com', 'https://user:pass@shop.example.com', 'not a url']) {
      const response = await create({ url });
      expect(response.status).toBe(422);
    }
  });

  it('rotates credentials only once the store accepts the new ones, and resumes a paused connection', async () => {
    const { connection } = (await (await create()).json()) as { connection: ConnectionView };
    const [before] = await database().db.select().from(connections).where(eq(connections.id, connection.id));
    await database().db.update(connections).set({ status: 'paused', statusMessage: 'The store refused Loupe’s credentials' }).where(eq(connections.id, connection.id));

    const refused = await call(patchRoute, { method: 'PATCH', cookie: admin.cookie, params: { id: connection.id }, body: { credentials: { username: 'shop-admin', applicationPassword: 'new-password-5678' } } });
    expect(refused.status).toBe(422);
    const [unchanged] = await database().db.select().from(connections).where(eq(connections.id, connection.id));
    expect(unchanged.secretCiphertext).toBe(before.secretCiphertext);
    expect(unchanged.status).toBe('paused');

    store.password = 'new-password-5678';
    const rotated = await call(patchRoute, { method: 'PATCH', cookie: admin.cookie, params: { id: connection.id }, body: { credentials: { username: 'shop-admin', applicationPassword: 'new-password-5678' }, name: 'Renamed', writebackMode: 'manual' } });
    expect(rotated.status).toBe(200);
    expect(await rotated.text()).not.toContain('new-password-5678');
    const [after] = await database().db.select().from(connections).where(eq(connections.id, connection.id));
    expect(after).toMatchObject({ name: 'Renamed', writebackMode: 'manual', status: 'active', statusMessage: null });
    expect(after.secretCiphertext).not.toBe(before.secretCiphertext);
    expect(await openSecret(after.id, { ciphertext: after.secretCiphertext, iv: after.secretIv, tag: after.secretTag })).toBe('new-password-5678');
  });

  it('deletes a connection without calling the store', async () => {
    const { connection } = (await (await create()).json()) as { connection: ConnectionView };
    const callsBefore = JSON.stringify(store.calls);
    const response = await call(deleteRoute, { method: 'DELETE', cookie: admin.cookie, params: { id: connection.id } });
    expect(response.status).toBe(204);
    expect(JSON.stringify(store.calls)).toBe(callsBefore);
    expect(await database().db.select().from(connections)).toHaveLength(0);
    expect((await call(getRoute, { cookie: admin.cookie, params: { id: connection.id } })).status).toBe(404);
  });

  it('lets only admins near connections', async () => {
    const { connection } = (await (await create()).json()) as { connection: ConnectionView };
    const id = connection.id;
    const runId = crypto.randomUUID();
    const routes: [GuardedRoute, string, Record<string, string>, unknown][] = [
      [listRoute, 'GET', {}, undefined],
      [createRoute, 'POST', {}, body()],
      [getRoute, 'GET', { id }, undefined],
      [patchRoute, 'PATCH', { id }, { name: 'x' }],
      [deleteRoute, 'DELETE', { id }, undefined],
      [syncRoute, 'POST', { id }, undefined],
      [runsRoute, 'GET', { id }, undefined],
      [writebackRoute, 'POST', { id }, { filter: {} }],
      [undoRoute, 'POST', { id, runId }, {}],
    ];
    for (const [handler, method, params, payload] of routes) {
      expect((await call(handler, { method, params, body: payload })).status).toBe(401);
      expect((await call(handler, { method, params, body: payload, cookie: editor.cookie })).status).toBe(403);
      expect((await call(handler, { method, params, body: payload, bearer: editor.token })).status).toBe(403);
    }
    expect(await database().db.select().from(connections)).toHaveLength(1);
    // Deciding a conflict is review work: editors may, viewers may not.
    const viewer = await makeAccount(database().db, 'viewer');
    const decision = { method: 'POST', params: { id, remoteId: '1' }, body: { keep: 'store', version: 1 } };
    expect((await call(conflictRoute, decision)).status).toBe(401);
    expect((await call(conflictRoute, { ...decision, cookie: viewer.cookie })).status).toBe(403);
    expect((await call(conflictRoute, { ...decision, cookie: editor.cookie })).status).toBe(404);
  });
});
