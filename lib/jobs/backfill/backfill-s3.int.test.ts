import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assetEmbeddings, assets } from '@/db/schema';
import { useStorageForTests } from '@/lib/storage';
import { productJpeg, storedAsset, useFakeGroq } from '@/test/alt';
import { useTestDatabase } from '@/test/db';
import { startS3rver, type S3rverHandle } from '@/test/s3rver';
import { standInModelAvailable, useStandInEmbeddingModel } from '@/test/stand-in-embedding-model';
import { runAssetJobs } from '../run';
import { runBackfill } from '.';

/**
 * The backfill with originals and derivatives in S3 (s3rver): the describe job reads the vision derivative
 * through the S3 driver, and every photo ends with alt text and a vector, as on local storage.
 */
describe.skipIf(!standInModelAvailable())('backfill on S3', () => {
  const database = useTestDatabase();
  const fake = useFakeGroq(() => database().db);
  let s3: S3rverHandle;

  beforeAll(async () => {
    useStandInEmbeddingModel();
    s3 = await startS3rver('loupe-backfill');
    useStorageForTests(s3.storage);
  });
  afterAll(async () => {
    useStorageForTests(undefined);
    await s3.stop();
  });

  it('fills in missing alt text for photos stored in S3, with a vector each', async () => {
    const db = database().db;
    const ids: string[] = [];
    for (const seed of [901, 902, 903]) {
      const asset = await storedAsset(db, s3.storage, await productJpeg(seed, 900), { title: 'Navy wool coat', tags: ['coat'] });
      expect((await runAssetJobs(database().db, asset.id)).kind).toBe('finished');
      // As a library imported before Loupe wrote any alt text.
      await db.update(assets).set({ altText: null, altSource: null, altStatus: 'none', altModel: null, altPromptVersion: null }).where(eq(assets.id, asset.id));
      ids.push(asset.id);
    }
    const callsBefore = fake().requests.filter((request) => request.path.endsWith('/chat/completions')).length;

    const result = await runBackfill(db, { trigger: 'cli', selection: { regenerate: false } });

    expect(result.kind).toBe('ran');
    if (result.kind !== 'ran') return;
    expect(result.run).toMatchObject({ selected: 3, written: 3, stopReason: 'done' });
    expect(fake().requests.filter((request) => request.path.endsWith('/chat/completions')).length - callsBefore).toBe(3);
    for (const id of ids) {
      const [row] = await db.select().from(assets).where(eq(assets.id, id));
      expect(row).toMatchObject({ altSource: 'ai', altStatus: 'proposed', state: 'embedded' });
      expect(row.altText).toBeTruthy();
      expect(await db.select({ model: assetEmbeddings.model }).from(assetEmbeddings).where(eq(assetEmbeddings.assetId, id))).toHaveLength(1);
    }
  });
});
