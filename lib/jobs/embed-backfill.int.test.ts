import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { assetEmbeddings, assets } from '@/db/schema';
import { insertCatalogueAsset } from '@/test/catalogue-assets';
import { useTestDatabase } from '@/test/db';
import { standInModelAvailable, useStandInEmbeddingModel } from '@/test/stand-in-embedding-model';
import { backfillEmbeddings } from './embed-backfill';

describe.skipIf(!standInModelAvailable())('backfillEmbeddings', () => {
  const database = useTestDatabase();
  const ids: string[] = [];

  beforeAll(async () => {
    useStandInEmbeddingModel();
    for (let i = 0; i < 7; i++) ids.push(await insertCatalogueAsset(database().db, { filename: `f${i}.jpg`, altText: `A grey wool scarf number ${i}` }));
    await insertCatalogueAsset(database().db, { filename: 'never-uploaded.jpg', state: 'awaiting_upload' });
  });

  it('embeds every uploaded asset across pages, then nothing on a second run', async () => {
    expect(await backfillEmbeddings(database().db, { pageSize: 3 })).toMatchObject({ ok: true, progress: { embedded: 7 } });
    expect(await backfillEmbeddings(database().db, { pageSize: 3 })).toMatchObject({ ok: true, progress: { embedded: 0 } });
  });

  it('redoes a vector whose input changed without a re-embed (an edit whose re-embed failed)', async () => {
    const db = database().db;
    const before = await db.select().from(assetEmbeddings).where(eq(assetEmbeddings.assetId, ids[2]));
    await db.update(assets).set({ altText: 'A red leather handbag', version: 2 }).where(eq(assets.id, ids[2]));
    expect(await backfillEmbeddings(database().db, { pageSize: 3 })).toMatchObject({ ok: true, progress: { embedded: 1 } });
    const after = await db.select().from(assetEmbeddings).where(eq(assetEmbeddings.assetId, ids[2]));
    expect(after[0].inputHash).not.toBe(before[0].inputHash);
  });
});
