import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { assets } from '@/db/schema';
import { VIDEO_PROMPT_VERSION } from '@/lib/alt';
import { useStorageForTests } from '@/lib/storage';
import { useFakeGroq } from '@/test/alt';
import { makeAccount, type TestAccount } from '@/test/auth';
import { useTestDatabase } from '@/test/db';
import { fixturePath, fixturesAvailable } from '@/test/fixtures';
import { completeUpload, startUpload } from '@/test/ingest';
import { startS3rver, type S3rverHandle } from '@/test/s3rver';
import { standInModelAvailable, useStandInEmbeddingModel } from '@/test/stand-in-embedding-model';
import { makeTestVideo } from '@/test/videos';
import { runAfterTasks } from './after-capture';
import { videoTools } from './video';

vi.mock('next/server', async (original) => ({ ...(await original<object>()), after: (await import('@/lib/ingest/after-capture')).captureAfter }));

/**
 * The media sharp cannot decode, and a product video, with originals and derivatives in S3 (s3rver): uploaded
 * with the presigned PUT as a browser does, then derive (and frames) read the original back through the S3
 * driver and write WebP derivatives there; each ends with alt text and a vector, as on local storage.
 */
describe.skipIf(!standInModelAvailable() || !fixturesAvailable())('HEIC, BMP, CIELab TIFF and video on S3', () => {
  const database = useTestDatabase();
  useFakeGroq(() => database().db);
  let s3: S3rverHandle;
  let editor: TestAccount;

  beforeAll(async () => {
    useStandInEmbeddingModel();
    s3 = await startS3rver('loupe-media');
    useStorageForTests(s3.storage);
    editor = await makeAccount(database().db, 'editor');
  });
  afterAll(async () => {
    useStorageForTests(undefined);
    await s3.stop();
  });

  async function uploadToS3(bytes: Buffer, filename: string, contentType: string): Promise<string> {
    const started = await startUpload(editor, bytes, { filename, contentType });
    expect(started.status).toBe(201);
    const { assetId, upload } = (await started.json()) as { assetId: string; upload: { url: string; method: string; headers: Record<string, string> } };
    expect(upload.url.startsWith(s3.endpoint)).toBe(true);
    const put = await fetch(upload.url, { method: upload.method, headers: upload.headers, body: new Uint8Array(bytes) });
    expect(put.status).toBe(200);
    expect((await completeUpload(editor, assetId)).status).toBe(202);
    await runAfterTasks();
    return assetId;
  }

  const row = async (id: string) => (await database().db.select().from(assets).where(eq(assets.id, id)))[0];

  it.each([
    ['formats/heic_lossy.heic', 'image/heic', 1200, 800],
    ['formats/bmp_24bit.bmp', 'image/bmp', 640, 480],
    ['formats/tiff_cielab.tif', 'image/tiff', 640, 480],
  ] as const)('%s comes out of S3 as WebP derivatives in S3, with alt text and a vector', async (file, contentType, width, height) => {
    const bytes = fs.readFileSync(fixturePath('images', file));
    const assetId = await uploadToS3(bytes, path.basename(file), contentType);
    const asset = await row(assetId);
    expect(asset).toMatchObject({ state: 'embedded', width, height, altSource: 'ai' });
    const grid = asset.derivatives?.grid;
    expect(grid).toBeTruthy();
    const stored = await s3.storage.get(grid!.key);
    expect(stored).not.toBeNull();
    const chunks: Buffer[] = [];
    for await (const chunk of stored!) chunks.push(Buffer.from(chunk as Buffer));
    expect(await sharp(Buffer.concat(chunks)).metadata()).toMatchObject({ format: 'webp', space: 'srgb' });
  });

  it('a generated MP4 gets its poster and keyframes in S3 and alt text from them', async () => {
    const tools = await videoTools();
    if (!tools) throw new Error('ffmpeg/ffprobe should come with the dependencies');
    const bytes = makeTestVideo(tools, { container: 'mp4', seconds: 3, width: 640, height: 360 });
    const assetId = await uploadToS3(bytes, 'turntable.mp4', 'video/mp4');
    const asset = await row(assetId);
    expect(asset).toMatchObject({ state: 'embedded', mimeType: 'video/mp4', altSource: 'ai', altPromptVersion: VIDEO_PROMPT_VERSION });
    const frames = Object.entries(asset.derivatives ?? {}).filter(([kind]) => kind.startsWith('frame-'));
    expect(frames).toHaveLength(5);
    for (const [, frame] of frames) expect(await s3.storage.head(frame.key)).not.toBeNull();
  });
});
