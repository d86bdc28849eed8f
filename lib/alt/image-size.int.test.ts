import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { altHistory } from '@/db/schema';
import { runAssetJobs } from '@/lib/jobs';
import { productJpeg, storedAsset, useFakeGroq } from '@/test/alt';
import { useTestDatabase } from '@/test/db';
import { imageTokens } from '@/test/fake-groq';
import { useTemporaryLocalStorage } from '@/test/ingest';
import { standInModelAvailable, useStandInEmbeddingModel } from '@/test/stand-in-embedding-model';

/** ALT_IMAGE_MAX_EDGE: the vision image is made smaller on its way to the model, and the call takes fewer input tokens. */
describe.skipIf(!standInModelAvailable())('the vision image size setting', () => {
  const database = useTestDatabase();
  const files = useTemporaryLocalStorage();
  const fake = useFakeGroq(() => database().db, { ALT_IMAGE_MAX_EDGE: '512' });
  beforeAll(() => useStandInEmbeddingModel());

  it('sends a 900 x 1200 photo at 384 x 512 px, and records the smaller call in the history', async () => {
    const asset = await storedAsset(database().db, files().storage, await productJpeg(900, 1200), { title: 'Navy wool coat' });
    expect((await runAssetJobs(database().db, asset.id)).kind).toBe('finished');
    const [request] = fake().requests;
    expect(request.imageTokens).toBe(imageTokens(384, 512));
    const [call] = await database().db.select().from(altHistory).where(eq(altHistory.assetId, asset.id));
    expect(call.inputTokens).toBeLessThan(imageTokens(900, 1200));
    expect(call.inputTokens).toBeGreaterThan(imageTokens(384, 512));
  });
});
