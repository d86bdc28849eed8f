import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assets } from '@/db/schema';
import { runAssetJobs } from '@/lib/jobs';
import { useStorageForTests } from '@/lib/storage';
import { useTestDatabase } from '@/test/db';
import { startS3rver, type S3rverHandle } from '@/test/s3rver';
import { standInModelAvailable, useStandInEmbeddingModel } from '@/test/stand-in-embedding-model';
import { productJpeg, storedAsset, useFakeGroq } from '@/test/alt';

/** VISION_IMAGE_TRANSPORT=url: the provider fetches the vision derivative itself through a short-lived signed URL. */
describe.skipIf(!standInModelAvailable())('image as a signed URL from S3', () => {
  const database = useTestDatabase();
  const fake = useFakeGroq(() => database().db, { VISION_IMAGE_TRANSPORT: 'url' });
  let s3: S3rverHandle;

  beforeAll(async () => {
    useStandInEmbeddingModel();
    s3 = await startS3rver();
    useStorageForTests(s3.storage);
  });
  afterAll(async () => {
    useStorageForTests(undefined);
    await s3.stop();
  });

  it('sends a presigned URL of the vision derivative, which the fake fetches and decodes', async () => {
    const asset = await storedAsset(database().db, s3.storage, await productJpeg(900, 1200, { r: 200, g: 30, b: 30 }), { tags: ['dress'] });
    await runAssetJobs(database().db, asset.id);
    const [request] = fake().requests;
    expect(request.image?.transport).toBe('url');
    const sent = request.body?.messages?.[1]?.content as Array<{ type: string; image_url?: { url: string } }>;
    const url = new URL(sent.find((part) => part.type === 'image_url')!.image_url!.url);
    expect(url.origin).toBe(s3.endpoint);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('600');
    const [done] = await database().db.select().from(assets).where(eq(assets.id, asset.id));
    expect(done).toMatchObject({ altSource: 'ai', state: 'embedded' });
    expect(done.altText).toMatch(/^Red dress photographed/);
  });
});
