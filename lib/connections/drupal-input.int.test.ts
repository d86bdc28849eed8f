import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PATCH as patchRoute } from '@/app/api/connections/[id]/route';
import { POST as createRoute } from '@/app/api/connections/route';
import { connections } from '@/db/schema';
import { resetConfig } from '@/lib/config';
import { call, makeAccount, type TestAccount } from '@/test/auth';
import { allowPrivateStores } from '@/test/connections';
import { useTestDatabase } from '@/test/db';
import { startDrupalFake, type DrupalFake } from '@/test/drupal-fake';
import type { ConnectionView } from './index';

/**
 * A Drupal connection's own fields on POST /api/connections and on a credential rotation, against the JSON:API
 * fake: each wrong input refused with a message naming the field, before anything is stored; a media field and a
 * token; a rotation from a password to a token.
 */

const database = useTestDatabase();
let admin: TestAccount;
let fake: DrupalFake;

beforeAll(async () => {
  allowPrivateStores(true);
  admin = await makeAccount(database().db, 'admin');
  fake = await startDrupalFake();
});

beforeEach(async () => {
  await database().db.delete(connections);
});

afterAll(async () => {
  await fake?.close();
  delete process.env.CONNECTIONS_ALLOW_PRIVATE;
  resetConfig();
});

const basic = () => ({ kind: 'drupal', name: 'Drupal shop', url: fake.url, username: fake.username, password: fake.password });

async function refusal(body: unknown): Promise<{ status: number; code: string; message: string }> {
  const response = await call(createRoute, { method: 'POST', cookie: admin.cookie, body });
  const { error } = (await response.json()) as { error: { code: string; message: string } };
  expect(await database().db.select().from(connections)).toEqual([]);
  return { status: response.status, ...error };
}

describe('connecting a Drupal site: the fields', () => {
  it('refuses a password and a token at once', async () => {
    expect(await refusal({ ...basic(), token: fake.token })).toMatchObject({ status: 422, code: 'validation_failed', message: expect.stringMatching(/token: .*not both/) });
  });

  it('refuses neither a password nor a token', async () => {
    const { password: _password, ...without } = basic();
    expect(await refusal(without)).toMatchObject({ status: 422, code: 'validation_failed', message: expect.stringMatching(/password: Enter the Drupal user’s password/) });
  });

  it('refuses a password without its user name', async () => {
    const { username: _username, ...without } = basic();
    expect(await refusal(without)).toMatchObject({ status: 422, code: 'validation_failed', message: expect.stringMatching(/username: Enter the Drupal user name/) });
  });

  it('refuses an entity type that is not a machine name', async () => {
    expect(await refusal({ ...basic(), entityType: 'Node Type' })).toMatchObject({ status: 422, code: 'validation_failed', message: expect.stringMatching(/entityType: The entity type is a Drupal machine name/) });
  });

  it('refuses a field name longer than Drupal allows', async () => {
    expect(await refusal({ ...basic(), field: `field_${'x'.repeat(60)}` })).toMatchObject({ status: 422, code: 'validation_failed', message: expect.stringContaining('field: Use at most 64 characters') });
  });

  it('refuses a NUL byte in the bundle', async () => {
    expect(await refusal({ ...basic(), bundle: 'arti\u0000cle' })).toMatchObject({ status: 422, code: 'validation_failed', message: expect.stringContaining('bundle') });
  });

  it('refuses a bundle the site does not have, naming it', async () => {
    expect(await refusal({ ...basic(), bundle: 'product' })).toMatchObject({ status: 422, code: 'store_error', message: expect.stringContaining('node--product') });
  });

  it('connects an image media type with a token, and keeps its settings', async () => {
    const response = await call(createRoute, {
      method: 'POST',
      cookie: admin.cookie,
      body: { kind: 'drupal', name: 'Drupal media', url: fake.url, token: fake.token, entityType: 'media', bundle: 'image', field: 'field_media_image' },
    });
    expect(response.status).toBe(201);
    const { connection } = (await response.json()) as { connection: ConnectionView };
    const [row] = await database().db.select().from(connections).where(eq(connections.id, connection.id));
    expect(row).toMatchObject({ username: '', settings: { entityType: 'media', bundle: 'image', field: 'field_media_image' }, account: 'Catalogue editor' });
    expect(fake.requests.at(-1)?.authorization).toBe(`Bearer ${fake.token}`);
  });

  it('rotates a password to a token, checked with the site first', async () => {
    const created = await call(createRoute, { method: 'POST', cookie: admin.cookie, body: basic() });
    const { connection } = (await created.json()) as { connection: ConnectionView };
    const wrong = await call(patchRoute, { method: 'PATCH', cookie: admin.cookie, params: { id: connection.id }, body: { credentials: { token: 'not-the-token' } } });
    expect([wrong.status, ((await wrong.json()) as { error: { code: string } }).error.code]).toEqual([422, 'store_unauthorized']);
    const rotated = await call(patchRoute, { method: 'PATCH', cookie: admin.cookie, params: { id: connection.id }, body: { credentials: { token: fake.token } } });
    expect(rotated.status).toBe(200);
    const [row] = await database().db.select().from(connections).where(eq(connections.id, connection.id));
    expect(row).toMatchObject({ username: '', status: 'active', settings: { entityType: 'node', bundle: 'article', field: 'field_image' } });
  });
});
