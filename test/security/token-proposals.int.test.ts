import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { POST as reviewRoute } from '@/app/api/alt/review/route';
import { PATCH as patchAsset } from '@/app/api/assets/[id]/route';
import { POST as importRoute } from '@/app/api/imports/route';
import { assets, type Asset } from '@/db/schema';
import { call, makeAccount, TEST_ORIGIN, type TestAccount } from '@/test/auth';
import { insertCatalogueAsset } from '@/test/catalogue-assets';
import { useTestDatabase } from '@/test/db';
import { standInModelAvailable, useStandInEmbeddingModel } from '@/test/stand-in-embedding-model';

vi.mock('next/server', async (original) => ({ ...(await original<object>()), after: (await import('@/lib/ingest/after-capture')).captureAfter }));

/**
 * Issue 17, attack 6: text an API token writes is a proposal until a person approves it, whichever way it
 * arrives (an edit, a CSV import), as the review API already required.
 */
describe.skipIf(!standInModelAvailable())('alt text written with an API token', () => {
  const database = useTestDatabase();
  const db = () => database().db;
  let editor: TestAccount;

  beforeAll(async () => {
    useStandInEmbeddingModel();
    editor = await makeAccount(db(), 'editor');
  });

  const reload = async (id: string): Promise<Asset> => (await db().select().from(assets).where(eq(assets.id, id)))[0];
  const importCsv = (csv: string, query: Record<string, string>) =>
    importRoute(
      new Request(`${TEST_ORIGIN}/api/imports?${new URLSearchParams(query)}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${editor.token}`, host: new URL(TEST_ORIGIN).host, 'content-type': 'text/csv' },
        body: csv,
      }),
      { params: Promise.resolve({}) },
    );

  it('PATCH /api/assets/:id with altText: proposed, by the token, until a person approves it in the review queue', async () => {
    const id = await insertCatalogueAsset(db(), { filename: 'token-edit.jpg' });
    const edited = await call(patchAsset, { method: 'PATCH', bearer: editor.token, params: { id }, body: { altText: 'Red wool coat on a hanger.', version: 1 } });
    expect(edited.status).toBe(200);
    expect((await edited.json()).alt).toMatchObject({ text: 'Red wool coat on a hanger.', status: 'proposed' });
    const proposed = await reload(id);
    expect(proposed).toMatchObject({ altStatus: 'proposed', altSource: 'human', altAuthor: 'API token "editor test token"' });

    const approved = await call(reviewRoute, { method: 'POST', cookie: editor.cookie, body: { action: 'approve', items: [{ id, version: proposed.version }] } });
    expect((await approved.json()).summary.done).toBe(1);
    expect(await reload(id)).toMatchObject({ altStatus: 'approved', altText: 'Red wool coat on a hanger.' });
  });

  it('a person\'s edit through the same route is approved as it stands', async () => {
    const id = await insertCatalogueAsset(db(), { filename: 'person-edit.jpg' });
    const edited = await call(patchAsset, { method: 'PATCH', cookie: editor.cookie, params: { id }, body: { altText: 'Red wool coat on a hanger.', version: 1 } });
    expect(edited.status).toBe(200);
    expect(await reload(id)).toMatchObject({ altStatus: 'approved', altAuthor: 'Test editor' });
  });

  it('a CSV import with an alt_text column: proposed, by the token, and a reviewer may reject it', async () => {
    const id = await insertCatalogueAsset(db(), { filename: 'token-import.jpg' });
    const csv = 'filename,alt_text\ntoken-import.jpg,Navy backpack with leather straps.\n';
    const preview = await importCsv(csv, {});
    expect(preview.status).toBe(200);
    const applied = await importCsv(csv, { mode: 'apply', confirm: (await preview.json()).digest });
    expect((await applied.json()).applied).toBe(1);
    const proposed = await reload(id);
    expect(proposed).toMatchObject({ altText: 'Navy backpack with leather straps.', altStatus: 'proposed', altSource: 'human', altAuthor: 'API token "editor test token" (CSV import)' });

    const rejected = await call(reviewRoute, { method: 'POST', cookie: editor.cookie, body: { action: 'reject', items: [{ id, version: proposed.version }] } });
    expect((await rejected.json()).summary.done).toBe(1);
    expect(await reload(id)).toMatchObject({ altText: null, altStatus: 'none', altSource: null });
  });
});
