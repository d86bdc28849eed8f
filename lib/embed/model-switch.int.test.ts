import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetConfig } from '@/lib/config';
import { searchAssets } from '@/lib/search';
import { insertCatalogueAsset } from '@/test/catalogue-assets';
import { useTestDatabase } from '@/test/db';
import { startFakeEmbeddingsServer, type FakeEmbeddingsServer } from '@/test/fake-embeddings-server';
import { standInModelAvailable, useStandInEmbeddingModel } from '@/test/stand-in-embedding-model';
import { backfillEmbeddings } from '@/lib/jobs';
import { embedAsset } from './embed-assets';
import { activeModel, liveModels } from './models';

const PRODUCTS = ['navy backpack', 'red wool coat', 'leather handbag', 'running shoes', 'silk scarf', 'denim jacket'];

describe.skipIf(!standInModelAvailable())('switching the embedding model', () => {
  const database = useTestDatabase();
  let fake: FakeEmbeddingsServer;

  beforeAll(async () => {
    fake = await startFakeEmbeddingsServer({ dimensions: 128 });
    useStandInEmbeddingModel('wordnet-static-256');
    const db = database().db;
    for (let i = 0; i < 60; i++) {
      const product = PRODUCTS[i % PRODUCTS.length];
      await insertCatalogueAsset(db, { filename: `p${i}.jpg`, altText: `A ${product} photographed on white`, tags: [product.split(' ')[1]] });
    }
    expect(await backfillEmbeddings(database().db)).toMatchObject({ ok: true });
  });
  afterAll(async () => {
    await fake.close();
  });

  it('keeps serving the old model while the new one (another provider and size) builds, then switches', async () => {
    const db = database().db;
    expect(await activeModel(db)).toMatchObject({ id: 'wordnet-static-256', dimensions: 256 });

    process.env.EMBEDDING_PROVIDER = 'openai';
    process.env.EMBEDDING_MODEL = 'fake-embed-128';
    process.env.EMBEDDING_BASE_URL = fake.baseUrl;
    process.env.EMBEDDING_API_KEY = fake.apiKey;
    resetConfig();

    // A new upload while the switch runs is embedded with both models, so it is findable before and after.
    const late = await insertCatalogueAsset(db, { filename: 'late.jpg', altText: 'A navy backpack with a laptop sleeve' });
    expect(await embedAsset(db, late)).toMatchObject({ ok: true, embedded: 2 });
    expect((await liveModels(db)).map((m) => `${m.id}:${m.status}`).sort()).toEqual(['fake-embed-128:building', 'wordnet-static-256:active']);

    let building = true;
    const modelsSeen = new Set<string>();
    const searches = (async () => {
      let count = 0;
      while (building || count < 3) {
        const result = await searchAssets(db, { q: 'navy backpack', filters: {}, limit: 10 });
        if (!result.ok) throw new Error(result.message);
        expect(result.notices).toEqual([]);
        expect(result.hits.length).toBeGreaterThan(0);
        expect(result.hits.some((hit) => hit.matched.vector !== null)).toBe(true);
        modelsSeen.add(result.model ?? 'none');
        count++;
      }
      return count;
    })();
    let progress;
    do {
      progress = await backfillEmbeddings(database().db, { pageSize: 7 });
      expect(progress.ok).toBe(true);
    } while (progress.ok && progress.progress.activated.length === 0 && progress.progress.embedded > 0);
    building = false;
    expect(await searches).toBeGreaterThan(0);

    expect(await activeModel(db)).toMatchObject({ id: 'fake-embed-128', dimensions: 128 });
    expect(modelsSeen.has('wordnet-static-256')).toBe(true);
    const after = await searchAssets(db, { q: 'navy backpack', filters: {}, limit: 10 });
    expect(after).toMatchObject({ ok: true, model: 'fake-embed-128' });
    expect(after.ok && after.hits[0].matched.vector).not.toBeNull();
    expect(fake.requests).toBeGreaterThan(0);
  });
});
