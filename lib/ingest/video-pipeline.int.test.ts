import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { GET as getFileRoute } from '@/app/api/files/[...key]/route';
import { assets } from '@/db/schema';
import { VIDEO_PROMPT_VERSION } from '@/lib/alt';
import { resetConfig } from '@/lib/config';
import { runAfterTasks } from '@/lib/ingest/after-capture';
import { jobsOf } from '@/lib/jobs';
import { useFakeGroq } from '@/test/alt';
import { makeAccount, type TestAccount } from '@/test/auth';
import { useTestDatabase } from '@/test/db';
import { orphanedKeys, uploadThroughApi, useTemporaryLocalStorage } from '@/test/ingest';
import { standInModelAvailable, useStandInEmbeddingModel } from '@/test/stand-in-embedding-model';
import { makeAudioOnly, makeEmptyVideo, makeTestVideo } from '@/test/videos';
import { videoTools, type VideoTools } from './video';

vi.mock('next/server', async (original) => ({ ...(await original<object>()), after: (await import('@/lib/ingest/after-capture')).captureAfter }));

/** A product video from upload to alt text and search, through the API and the jobs (derive → frames → describe → embed). */
describe.skipIf(!standInModelAvailable())('product videos through the pipeline', () => {
  const database = useTestDatabase();
  const files = useTemporaryLocalStorage();
  const fake = useFakeGroq(() => database().db);
  let editor: TestAccount;
  let tools: VideoTools;

  beforeAll(async () => {
    useStandInEmbeddingModel();
    editor = await makeAccount(database().db, 'editor');
    const found = await videoTools();
    if (!found) throw new Error('ffmpeg/ffprobe should come with the dependencies');
    tools = found;
  });

  const row = async (id: string) => (await database().db.select().from(assets).where(eq(assets.id, id)))[0];

  it.each(['mp4', 'mov', 'webm'] as const)('a %s gets a poster, five keyframes and alt text from one request with its own prompt version', async (container) => {
    const bytes = makeTestVideo(tools, { container, seconds: 3, width: 640, height: 360 });
    const contentType = { mp4: 'video/mp4', mov: 'video/quicktime', webm: 'video/webm' }[container];
    const sent = fake().requests.length;
    const { assetId, complete } = await uploadThroughApi(editor, bytes, { filename: `turntable.${container}`, contentType });
    expect(complete.status).toBe(202);
    await runAfterTasks();

    const asset = await row(assetId);
    expect(asset).toMatchObject({ state: 'embedded', mimeType: contentType, format: container, width: 640, height: 360, altSource: 'ai', altPromptVersion: VIDEO_PROMPT_VERSION });
    expect(asset.metadata).toMatchObject({ kind: 'video', durationSeconds: 3, fps: 25 });
    expect(asset.derivatives).toMatchObject({ grid: { width: 400, height: 225 }, vision: { width: 640, height: 360 } });
    expect(Object.keys(asset.derivatives ?? {}).filter((kind) => kind.startsWith('frame-'))).toHaveLength(5);
    expect((await jobsOf(database().db, assetId)).map((job) => [job.kind, job.status])).toEqual(expect.arrayContaining([['derive', 'done'], ['frames', 'done'], ['describe', 'done']]));

    const requests = fake().requests.slice(sent);
    expect(requests).toHaveLength(1);
    const parts = requests[0].body?.messages?.[1]?.content as Array<{ type: string }>;
    expect(parts.filter((part) => part.type === 'image_url')).toHaveLength(5);
  });

  it('the file route answers the Range requests a video player seeks with', async () => {
    const bytes = makeTestVideo(tools, { seconds: 1, width: 160, height: 120 });
    const { assetId } = await uploadThroughApi(editor, bytes, { filename: 'clip.mp4', contentType: 'video/mp4' });
    const url = new URL(await files().storage.signedGetUrl((await row(assetId)).originalKey, { expiresInSeconds: 60, contentType: 'video/mp4' }), 'http://localhost');
    const get = (range: string) =>
      getFileRoute(new Request(url, { headers: { range } }), { params: Promise.resolve({ key: url.pathname.replace('/api/files/', '').split('/') }) });

    const first = await get('bytes=0-99');
    expect(first.status).toBe(206);
    expect(first.headers.get('content-range')).toBe(`bytes 0-99/${bytes.length}`);
    expect(first.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await first.arrayBuffer())).toEqual(bytes.subarray(0, 100));
    const tail = await get('bytes=-10');
    expect(Buffer.from(await tail.arrayBuffer())).toEqual(bytes.subarray(bytes.length - 10));
    const beyond = await get(`bytes=${bytes.length}-`);
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
    expect((await beyond.json()).error.code).toBe('range_not_satisfiable');
    await runAfterTasks();
  });

  it.each([
    ['a truncated MP4 (index cut off)', 'corrupt_video', () => makeTestVideo(tools, { seconds: 3 }).subarray(0, 8000)],
    ['a 0-second MP4', 'empty_video', () => makeEmptyVideo(tools)],
  ])('%s → failed_derive %s, original kept, nothing else lost', async (_name, code, make) => {
    const bytes = make();
    const { assetId, complete } = await uploadThroughApi(editor, bytes, { filename: 'clip.mp4', contentType: 'video/mp4' });
    expect(complete.status).toBe(202);
    await runAfterTasks();
    const asset = await row(assetId);
    expect(asset).toMatchObject({ state: 'failed_derive', errorCode: code, derivatives: null });
    expect(await files().storage.head(asset.originalKey)).toEqual({ size: bytes.length });
    expect(await orphanedKeys(files().root)).toEqual([]);
  });

  it('an audio-only MP4 and a zip renamed .mp4 are refused at completion with a clear reason', async () => {
    for (const bytes of [makeAudioOnly(tools), zipFile()]) {
      const { assetId, complete } = await uploadThroughApi(editor, bytes, { filename: 'clip.mp4', contentType: 'video/mp4' });
      const asset = await row(assetId);
      if (complete.status === 202) {
        // Sniffed as an MP4 container: ffprobe finds no picture.
        await runAfterTasks();
        expect(await row(assetId)).toMatchObject({ state: 'failed_derive', errorCode: 'no_video_stream' });
      } else {
        expect(complete.status).toBe(415);
        expect(asset).toMatchObject({ state: 'failed_upload', errorCode: 'not_an_image' });
        expect(asset.error).toMatch(/is a (audio\/mp4|application\/zip) file/);
      }
    }
  });

  it('without ffmpeg a video ends as unsupported_format and photos still work', async () => {
    process.env.FFMPEG_PATH = '/nonexistent/ffmpeg';
    resetConfig();
    try {
      const { assetId } = await uploadThroughApi(editor, makeTestVideo(tools, { seconds: 1, width: 176, height: 144 }), { filename: 'clip.mp4', contentType: 'video/mp4' });
      await runAfterTasks();
      const asset = await row(assetId);
      expect(asset).toMatchObject({ state: 'failed_derive', errorCode: 'unsupported_format' });
      expect(asset.error).toMatch(/Video is not supported by this server/);
    } finally {
      delete process.env.FFMPEG_PATH;
      resetConfig();
    }
  });
});

/** A real zip (one stored entry) built by hand. */
function zipFile(): Buffer {
  const name = Buffer.from('catalogue.csv');
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(name.length, 26);
  return Buffer.concat([local, name, Buffer.alloc(2000, 0x20)]);
}
