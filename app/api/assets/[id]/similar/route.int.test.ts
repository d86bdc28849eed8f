import { beforeAll, describe, expect, it } from 'vitest';
import { call, makeAccount, type TestAccount } from '@/test/auth';
import { backfillEmbeddings } from '@/lib/jobs';
import { insertCatalogueAsset } from '@/test/catalogue-assets';
import { useTestDatabase } from '@/test/db';
import { standInModelAvailable, useStandInEmbeddingModel } from '@/test/stand-in-embedding-model';
import { GET } from './route';

describe.skipIf(!standInModelAvailable())('GET /api/assets/:id/similar', () => {
  const database = useTestDatabase();
  let viewer: TestAccount;
  const ids: Record<string, string> = {};

  const similar = async (id: string) => {
    const response = await call(GET, { path: `/api/assets/${id}/similar`, params: { id }, bearer: viewer.token });
    return { status: response.status, body: (await response.json()) as { results: { asset: { id: string }; similarity: number }[]; notice: { code: string } | null } };
  };

  beforeAll(async () => {
    useStandInEmbeddingModel();
    const db = database().db;
    viewer = await makeAccount(db, 'viewer');
    ids.backpack = await insertCatalogueAsset(db, { filename: 'a.jpg', altText: 'A navy backpack' });
    ids.rucksack = await insertCatalogueAsset(db, { filename: 'b.jpg', altText: 'A blue rucksack for hiking' });
    ids.dress = await insertCatalogueAsset(db, { filename: 'c.jpg', altText: 'A red evening dress' });
    expect(await backfillEmbeddings(database().db)).toMatchObject({ ok: true });
    ids.fresh = await insertCatalogueAsset(db, { filename: 'd.jpg', altText: 'A leather wallet' });
  });

  it("lists the asset's nearest neighbours, most similar first, without itself", async () => {
    const { status, body } = await similar(ids.backpack);
    expect(status).toBe(200);
    expect(body.results.map((r) => r.asset.id)).toEqual([ids.rucksack, ids.dress]);
    expect(body.results[0].similarity).toBeGreaterThan(body.results[1].similarity);
  });

  it('says so when the asset has no vector yet', async () => {
    const { status, body } = await similar(ids.fresh);
    expect(status).toBe(200);
    expect(body.results).toEqual([]);
    expect(body.notice?.code).toBe('not_embedded_yet');
  });

  it('404 for an unknown asset, 422 for a malformed id', async () => {
    expect((await similar('3f1c2a9e-7b1d-4c52-9a51-0b8f5d2e6c11')).status).toBe(404);
    expect((await similar('not-a-uuid')).status).toBe(422);
  });
});
