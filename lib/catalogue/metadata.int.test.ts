import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { PATCH as patchRoute } from '@/app/api/assets/[id]/route';
import { assets } from '@/db/schema';
import { call, makeAccount, type TestAccount } from '@/test/auth';
import { insertCatalogueAsset } from '@/test/catalogue-assets';
import { useTestDatabase } from '@/test/db';
import { standInModelAvailable, useStandInEmbeddingModel } from '@/test/stand-in-embedding-model';

/** Title, SKU, collection and tags through PATCH /api/assets/:id, with the same version guard as alt text. */
describe.skipIf(!standInModelAvailable())('catalogue fields through PATCH /api/assets/:id', () => {
  const database = useTestDatabase();
  let editor: TestAccount;
  let viewer: TestAccount;

  beforeAll(async () => {
    useStandInEmbeddingModel();
    editor = await makeAccount(database().db, 'editor');
    viewer = await makeAccount(database().db, 'viewer');
  });

  const row = async (id: string) => (await database().db.select().from(assets).where(eq(assets.id, id)))[0];
  const patch = (id: string, body: unknown, account = editor) => call(patchRoute, { method: 'PATCH', cookie: account.cookie, params: { id }, body });
  const errorOf = async (response: Response) => ((await response.json()) as { error: { code: string; message: string } }).error;

  it('sets title, SKU, collection and tags, bumps the version and answers with the asset', async () => {
    const id = await insertCatalogueAsset(database().db, { filename: 'coat.jpg', altText: 'A red coat.' });
    const before = await row(id);
    const response = await patch(id, { title: '  Red wool coat ', sku: 'RC-100', collection: 'Winter 2026', tags: ['coat', 'wool'], version: before.version });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { title: string; sku: string; collection: string; tags: string[]; alt: { text: string; version: number } };
    expect(body).toMatchObject({ title: 'Red wool coat', sku: 'RC-100', collection: 'Winter 2026', tags: ['coat', 'wool'] });
    expect(body.alt).toMatchObject({ text: 'A red coat.', version: before.version + 1 });
    expect(await row(id)).toMatchObject({ title: 'Red wool coat', sku: 'RC-100', collection: 'Winter 2026', altSource: 'ai' });
  });

  it('an empty value clears a field, and a field left out is kept', async () => {
    const id = await insertCatalogueAsset(database().db, { filename: 'scarf.jpg', sku: 'SC-1' });
    const first = await patch(id, { title: 'Scarf', collection: 'Accessories', version: (await row(id)).version });
    expect(first.status).toBe(200);
    const second = await patch(id, { collection: '', version: (await row(id)).version });
    expect(second.status).toBe(200);
    expect(await row(id)).toMatchObject({ title: 'Scarf', sku: 'SC-1', collection: null });
  });

  it('a stale version is 409 with the current catalogue fields, and nothing changes', async () => {
    const id = await insertCatalogueAsset(database().db, { filename: 'boot.jpg' });
    const loaded = (await row(id)).version;
    expect((await patch(id, { title: 'Brown boot', version: loaded })).status).toBe(200);
    const stale = await patch(id, { title: 'Black boot', version: loaded });
    expect(stale.status).toBe(409);
    const body = (await stale.json()) as { error: { code: string; details: { title: string; version: number } } };
    expect(body.error.code).toBe('version_conflict');
    expect(body.error.details).toMatchObject({ title: 'Brown boot', version: loaded + 1 });
    expect((await row(id)).title).toBe('Brown boot');
  });

  it.each([
    ['a title over 300 characters', { title: 'x'.repeat(301) }, 'title'],
    ['a SKU with a line break', { sku: 'A\nB' }, 'sku'],
    ['a collection that is not text', { collection: 42 }, 'collection'],
    ['an unknown field', { handle: 'red-coat' }, 'handle'],
  ])('refuses %s with 422 naming the field, and changes nothing', async (_name, fields, field) => {
    const id = await insertCatalogueAsset(database().db, { filename: 'hat.jpg', sku: 'HAT-1' });
    const before = await row(id);
    const response = await patch(id, { ...fields, version: before.version });
    expect(response.status).toBe(422);
    const error = await errorOf(response);
    expect(error.code).toBe('validation_failed');
    expect(error.message).toContain(field);
    expect(await row(id)).toMatchObject({ sku: 'HAT-1', title: null, version: before.version });
  });

  it('a viewer may not edit catalogue fields', async () => {
    const id = await insertCatalogueAsset(database().db, { filename: 'bag.jpg' });
    const response = await patch(id, { title: 'Bag', version: (await row(id)).version }, viewer);
    expect(response.status).toBe(403);
    expect((await row(id)).title).toBeNull();
  });
});
