import { beforeAll, describe, expect, it } from 'vitest';
import { resetConfig } from '@/lib/config';
import { claimNextJob, enqueueJob, JOB_PRIORITY } from '@/lib/jobs';
import { searchAssets } from '@/lib/search/hybrid';
import { insertCatalogueAsset } from '@/test/catalogue-assets';
import { useTestDatabase } from '@/test/db';
import { embedStep } from './embed-step';

describe('without a reachable embedding model', () => {
  const database = useTestDatabase();
  let assetId: string;

  beforeAll(async () => {
    process.env.EMBEDDING_PROVIDER = 'local';
    process.env.EMBEDDING_MODEL = 'Xenova/all-MiniLM-L6-v2';
    process.env.EMBEDDING_MODEL_DIR = '/nonexistent/models/all-MiniLM-L6-v2';
    resetConfig();
    assetId = await insertCatalogueAsset(database().db, { filename: 'bag.jpg', altText: 'A navy backpack on a bench', tags: ['bags'] });
  });

  it('the embed step records a retryable failure instead of throwing', async () => {
    await enqueueJob(database().db, { assetId, kind: 'embed', key: 'Xenova/all-MiniLM-L6-v2', priority: JOB_PRIORITY.interactive });
    const claim = await claimNextJob(database().db, { assetId });
    if (!claim || !claim.asset) throw new Error('expected the embed job to be claimable');
    const outcome = await embedStep({ db: database().db, ...claim, asset: claim.asset, signal: new AbortController().signal });
    expect(outcome).toMatchObject({ ok: false, code: 'embedding_unavailable' });
    expect(!outcome.ok && outcome.kind === 'failed' && outcome.retryAt).toBeInstanceOf(Date);
  });

  it('search still answers from full text and says vectors are unavailable', async () => {
    const result = await searchAssets(database().db, { q: 'navy backpack', filters: {}, limit: 10 });
    expect(result).toMatchObject({ ok: true, notices: ['vector_unavailable'], model: null });
    expect(result.ok && result.hits.map((h) => h.asset.id)).toEqual([assetId]);
    expect(result.ok && result.hits[0].matched.vector).toBeNull();
  });
});
