import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { assets } from '@/db/schema';
import { reembedAsset } from '@/lib/embed';
import { backfillEmbeddings } from '@/lib/jobs';
import { insertCatalogueAsset } from '@/test/catalogue-assets';
import { useTestDatabase } from '@/test/db';
import { standInModelAvailable, useStandInEmbeddingModel } from '@/test/stand-in-embedding-model';
import { searchAssets, type SearchRequest } from './hybrid';

describe.skipIf(!standInModelAvailable())('hybrid search', () => {
  const database = useTestDatabase();
  const ids: Record<string, string> = {};
  const search = (q: string, extra: Partial<SearchRequest> = {}) => searchAssets(database().db, { q, filters: {}, limit: 10, ...extra });
  const idsOf = async (q: string, extra: Partial<SearchRequest> = {}) => {
    const result = await search(q, extra);
    if (!result.ok) throw new Error(result.message);
    return result.hits.map((hit) => hit.asset.id);
  };

  beforeAll(async () => {
    useStandInEmbeddingModel();
    const db = database().db;
    ids.backpack = await insertCatalogueAsset(db, { filename: 'DSC_0001.jpg', altText: 'A navy blue rucksack with leather straps', tags: ['bags'], sku: 'BAG-0042' });
    ids.coat = await insertCatalogueAsset(db, { filename: 'coat-red.jpg', altText: 'A red woollen coat for winter', tags: ['outerwear'], altSource: 'human', altStatus: 'approved' });
    ids.shoes = await insertCatalogueAsset(db, { filename: 'IMG_4821.png', format: 'png', altText: 'White running sneakers on a grey floor', tags: ['footwear'] });
    ids.wallet = await insertCatalogueAsset(db, { filename: 'wallet.jpg', altText: null, tags: ['leather', 'accessories'], createdAt: new Date('2024-01-15T10:00:00Z') });
    ids.pending = await insertCatalogueAsset(db, { filename: 'navy-backpack.jpg', state: 'awaiting_upload' });
    for (let i = 0; i < 30; i++) {
      await insertCatalogueAsset(db, { filename: `dress-${i}.jpg`, altText: 'A red summer dress on a hanger', tags: i < 12 ? ['archive'] : ['summer'] });
    }
    const filled = await backfillEmbeddings(database().db);
    expect(filled.ok).toBe(true);
  });

  it('finds photos by meaning, with the signals that matched', async () => {
    const result = await search('navy backpack');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.hits[0].asset.id).toBe(ids.backpack);
    expect(result.hits[0].matched.vector?.similarity).toBeGreaterThan(0.3);
    expect(result.hits[0].matched.text).not.toBeNull();
    expect(result.terms).toEqual(['navy', 'backpack']);
    expect(result.model).toBe('wordnet-static-256');
  });

  it('finds by meaning words the text does not contain', async () => {
    const hits = await idsOf('trainers', { signals: ['vector'] });
    expect(hits[0]).toBe(ids.shoes);
  });

  it('never returns assets whose upload has not finished', async () => {
    expect(await idsOf('navy-backpack.jpg')).not.toContain(ids.pending);
  });

  it('ranks an exact filename, filename stem or SKU first', async () => {
    expect((await idsOf('IMG_4821.png'))[0]).toBe(ids.shoes);
    expect((await idsOf('img_4821'))[0]).toBe(ids.shoes);
    expect((await idsOf('bag-0042'))[0]).toBe(ids.backpack);
    const result = await search('BAG-0042');
    expect(result.ok && result.hits[0].matched.exact).toBe(true);
  });

  it('filters by tag, alt-text status and source, file type and upload date', async () => {
    expect(await idsOf('leather', { filters: { tag: 'accessories' } })).toEqual([ids.wallet]);
    expect(await idsOf('red coat', { filters: { source: 'human' } })).toEqual([ids.coat]);
    expect(await idsOf('red coat', { filters: { status: 'approved' } })).toEqual([ids.coat]);
    expect(await idsOf('sneakers', { filters: { type: 'png' } })).toEqual([ids.shoes]);
    expect(await idsOf('sneakers', { filters: { type: 'image/png' } })).toEqual([ids.shoes]);
    expect(await idsOf('leather wallet', { filters: { to: '2024-01-15' } })).toEqual([ids.wallet]);
    expect(await idsOf('leather wallet', { filters: { from: '2024-01-16' } })).not.toContain(ids.wallet);
  });

  it('fills pages under a selective filter, and pages by cursor without repeats', async () => {
    const first = await search('red dress', { signals: ['vector'], filters: { tag: 'archive' }, limit: 5 });
    if (!first.ok) throw new Error(first.message);
    expect(first.hits).toHaveLength(5);
    const seen = first.hits.map((h) => h.asset.id);
    let cursor = first.nextCursor;
    while (cursor) {
      const next = await search('red dress', { signals: ['vector'], filters: { tag: 'archive' }, limit: 5, cursor });
      if (!next.ok) throw new Error(next.message);
      seen.push(...next.hits.map((h) => h.asset.id));
      cursor = next.nextCursor;
    }
    expect(seen).toHaveLength(12);
    expect(new Set(seen).size).toBe(12);
    const onePage = await idsOf('red dress', { signals: ['vector'], filters: { tag: 'archive' }, limit: 20 });
    expect(seen).toEqual(onePage);
  });

  it('refuses a cursor it did not issue', async () => {
    const result = await search('red dress', { cursor: 'bm90IGEgY3Vyc29y' });
    expect(result).toMatchObject({ ok: false, kind: 'bad_cursor' });
  });

  it('follows edits to alt text and tags once reembedAsset has run; unchanged input costs no model call', async () => {
    const db = database().db;
    expect((await idsOf('sunglasses', { signals: ['vector'] }))).not.toContain(ids.wallet);
    await db.update(assets).set({ altText: 'Tortoiseshell sunglasses on a towel', tags: ['eyewear'] }).where(eq(assets.id, ids.wallet));
    expect(await reembedAsset(database().db, ids.wallet)).toEqual({ ok: true, embedded: 1, unchanged: 0 });
    expect((await idsOf('sunglasses', { signals: ['vector'] }))[0]).toBe(ids.wallet);
    expect((await idsOf('sunglasses', { signals: ['text'] }))[0]).toBe(ids.wallet);
    expect(await reembedAsset(database().db, ids.wallet)).toEqual({ ok: true, embedded: 0, unchanged: 1 });
  });
});
