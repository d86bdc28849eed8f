import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PATCH as patchRoute } from '@/app/api/connections/[id]/route';
import { POST as createRoute } from '@/app/api/connections/route';
import { connections } from '@/db/schema';
import { resetConfig } from '@/lib/config';
import { CONNECTOR_KINDS } from '@/lib/connectors';
import { call, makeAccount, type TestAccount } from '@/test/auth';
import { useTestDatabase } from '@/test/db';
import { fakeStore, type FakeStore } from '@/test/fake-connector';
import { useConnectorForTests, type ConnectionView } from './index';

/**
 * POST /api/connections takes kind, name and writebackMode, then the kind's own fields (its connector's
 * connectInput); a rotation takes the kind's credential fields. Errors name the field of that kind.
 */

const database = useTestDatabase();
let admin: TestAccount;
let store: FakeStore;

beforeAll(async () => {
  process.env.CONNECTIONS_ALLOW_PRIVATE = 'true';
  resetConfig();
  admin = await makeAccount(database().db, 'admin');
});

beforeEach(async () => {
  store = fakeStore();
  useConnectorForTests(store.connector);
  await database().db.delete(connections);
});

afterAll(() => {
  useConnectorForTests(undefined, 'wordpress');
  delete process.env.CONNECTIONS_ALLOW_PRIVATE;
  resetConfig();
});

const wordpress = { kind: 'wordpress', name: 'Main shop', url: 'https://shop.example.com', username: 'shop-admin', applicationPassword: 'app-password-1234' };

async function errorOf(response: Response): Promise<{ status: number; code: string; message: string }> {
  const { error } = (await response.json()) as { error: { code: string; message: string } };
  return { status: response.status, ...error };
}

describe('a connection’s input, per kind', () => {
  it('names the kinds this build connects when the kind is unknown', async () => {
    const answer = await errorOf(await call(createRoute, { method: 'POST', cookie: admin.cookie, body: { ...wordpress, kind: 'magento' } }));
    expect(answer).toMatchObject({ status: 422, code: 'validation_failed' });
    expect(answer.message).toContain(`Connect a store of kind ${CONNECTOR_KINDS.join(', ')}.`);
  });

  it('names the kind’s own field that is missing', async () => {
    const { url: _url, ...withoutUrl } = wordpress;
    const answer = await errorOf(await call(createRoute, { method: 'POST', cookie: admin.cookie, body: withoutUrl }));
    expect(answer).toMatchObject({ status: 422, code: 'validation_failed' });
    expect(answer.message).toMatch(/^Invalid body: url: /);
  });

  it('refuses a field of another kind', async () => {
    const answer = await errorOf(await call(createRoute, { method: 'POST', cookie: admin.cookie, body: { ...wordpress, accessToken: 'shpat_x' } }));
    expect(answer).toMatchObject({ status: 422, code: 'validation_failed' });
    expect(answer.message).toContain('accessToken');
  });

  it.each([
    ['neither a token nor a client id and secret', {}, 'accessToken', 'client id and client secret'],
    ['a token and a client id and secret', { accessToken: 'shpat_1', clientId: 'id', clientSecret: 'secret' }, 'accessToken', 'not both'],
    ['a client id without its secret', { clientId: 'id' }, 'clientSecret', 'client secret that goes with'],
    ['a shop that is neither a myshopify.com domain nor a URL', { shop: 'linen-co', accessToken: 'shpat_1' }, 'shop', 'name.myshopify.com'],
  ])('refuses a Shopify store given %s, naming the field', async (_case, fields, field, words) => {
    const body = { kind: 'shopify', name: 'Linen & Co', shop: 'linen-co.myshopify.com', ...fields };
    const answer = await errorOf(await call(createRoute, { method: 'POST', cookie: admin.cookie, body }));
    expect(answer).toMatchObject({ status: 422, code: 'validation_failed' });
    expect(answer.message).toMatch(new RegExp(`^Invalid body: ${field}: `));
    expect(answer.message).toContain(words);
  });

  it('stores no settings for a kind that has none, and rotates with the kind’s credential fields only', async () => {
    const created = await call(createRoute, { method: 'POST', cookie: admin.cookie, body: wordpress });
    expect(created.status).toBe(201);
    const { connection } = (await created.json()) as { connection: ConnectionView };
    const [row] = await database().db.select().from(connections).where(eq(connections.id, connection.id));
    expect(row.settings).toEqual({});

    const wrongField = await errorOf(await call(patchRoute, { method: 'PATCH', cookie: admin.cookie, params: { id: connection.id }, body: { credentials: { username: 'shop-admin', password: 'x' } } }));
    expect(wrongField).toMatchObject({ status: 422, code: 'validation_failed' });
    expect(wrongField.message).toContain('credentials');
    expect(wrongField.message).toMatch(/applicationPassword|password/);
  });
});
