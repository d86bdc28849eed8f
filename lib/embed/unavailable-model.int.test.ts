import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assetEmbeddings, jobs } from '@/db/schema';
import { countLibrary, getAsset, listAssets } from '@/lib/assets';
import { resetConfig } from '@/lib/config';
import { runAssetJobs, startSweeper, stopSweeper } from '@/lib/jobs';
import { searchAssets } from '@/lib/search';
import { productJpeg, storedAsset, useFakeGroq } from '@/test/alt';
import { useTestDatabase } from '@/test/db';
import { useTemporaryLocalStorage } from '@/test/ingest';
import { standInModelAvailable, useStandInEmbeddingModel } from '@/test/stand-in-embedding-model';
import { embeddingAvailability } from './availability';

/**
 * The README's no-variable start on a machine that cannot download the default embedding model: photos are
 * stored, derived, described and Ready (keyword search finds them), the model's absence is said once for the
 * whole instance, and once the model loads (a restart with a model folder) the sweeper builds every missing
 * vector by itself.
 */
describe.skipIf(!standInModelAvailable())('without a loadable embedding model', () => {
  const database = useTestDatabase();
  const files = useTemporaryLocalStorage();
  useFakeGroq(() => database().db);
  const db = () => database().db;
  let assetId: string;

  beforeAll(async () => {
    process.env.EMBEDDING_PROVIDER = 'local';
    process.env.EMBEDDING_MODEL = 'Xenova/all-MiniLM-L6-v2';
    process.env.EMBEDDING_MODEL_DIR = '/nonexistent/models/all-MiniLM-L6-v2';
    resetConfig();
    const asset = await storedAsset(db(), files().storage, await productJpeg(), { filename: 'navy-backpack.jpg', title: 'Navy backpack', tags: ['bags'] });
    assetId = asset.id;
    expect(await runAssetJobs(db(), assetId)).toMatchObject({ kind: 'finished' });
  });
  afterAll(async () => {
    await stopSweeper();
  });

  it('the photo is Ready, not failed: no error, not under the Failed filter, described, and nothing for Retry', async () => {
    const seen = await getAsset(db(), assetId);
    expect(seen).toMatchObject({ state: 'embedded', failed: false, error: null, alt: { source: 'ai' } });
    const failed = await listAssets(db(), { limit: 100, filter: { state: 'failed' } });
    expect(failed.ok && failed.items.map((item) => item.id)).toEqual([]);
    expect(await countLibrary(db())).toMatchObject({ all: 1, failed: 0 });
    const [embed] = await db().select().from(jobs).where(eq(jobs.kind, 'embed'));
    expect(embed).toMatchObject({ status: 'waiting', nextAttemptAt: null, lastErrorCode: null });
  });

  it('says so once for the instance, naming EMBEDDING_MODEL and EMBEDDING_MODEL_DIR', async () => {
    const availability = await embeddingAvailability(db());
    expect(availability).toMatchObject({ available: false, model: 'Xenova/all-MiniLM-L6-v2' });
    expect(!availability.available && availability.fix).toMatch(/EMBEDDING_MODEL_DIR/);
    expect(!availability.available && availability.fix).toMatch(/EMBEDDING_MODEL\b(?!_)/);
    expect(!availability.available && availability.message).toContain('/nonexistent/models/all-MiniLM-L6-v2');
  });

  it('search still answers from full text and says vectors are unavailable', async () => {
    const result = await searchAssets(db(), { q: 'navy backpack', filters: {}, limit: 10 });
    expect(result).toMatchObject({ ok: true, notices: ['vector_unavailable'], model: null });
    expect(result.ok && result.hits.map((h) => h.asset.id)).toEqual([assetId]);
  });

  it('once the model loads (a restart with a model folder), the sweeper builds the missing vector with nobody pressing Retry', async () => {
    useStandInEmbeddingModel('Xenova/all-MiniLM-L6-v2');
    await startSweeper({ intervalMs: 100 });
    // The vector is written inside the step and the job settles right after: wait for both.
    await expect.poll(async () => (await db().select({ status: jobs.status }).from(jobs).where(eq(jobs.kind, 'embed')))[0]?.status, { timeout: 30_000 }).toBe('done');
    expect((await db().select({ assetId: assetEmbeddings.assetId }).from(assetEmbeddings)).map((row) => row.assetId)).toEqual([assetId]);
    expect(await embeddingAvailability(db())).toEqual({ available: true });
  });
});
