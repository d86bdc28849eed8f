import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { assets } from '@/db/schema';
import { claimNextJob, jobsOf, runClaimedJob, type JobOutcome } from '@/lib/jobs';
import { LocalStorage, useStorageForTests } from '@/lib/storage';
import { makeAccount, type TestAccount } from '@/test/auth';
import { useTestDatabase } from '@/test/db';
import { testJpeg, uploadThroughApi } from '@/test/ingest';
import { makeOneKeyframeVideo, makeTestVideo } from '@/test/videos';
import { videoTools } from './video';

vi.mock('next/server', async (original) => ({ ...(await original<object>()), after: (await import('@/lib/ingest/after-capture')).captureAfter }));

/** Local storage that notes every read of a whole object as a stream (what reading an original into memory starts with). */
class WatchedStorage extends LocalStorage {
  wholeReads: string[] = [];

  override get(key: string, range?: { start: number; end: number }): Promise<Readable | null> {
    if (!range) this.wholeReads.push(key);
    return super.get(key, range);
  }
}

/**
 * Originals reach the decoders as files, never whole in memory (a 1 GB original is not 1 GB of heap), and an
 * original that cannot be decoded fails its derive job at once, with its reason, never retried.
 */
describe('how the derive and frames jobs read an original', () => {
  const database = useTestDatabase();
  let storage: WatchedStorage;
  let root = '';
  let editor: TestAccount;

  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'loupe-watched-'));
    storage = new WatchedStorage(root);
    useStorageForTests(storage);
    editor = await makeAccount(database().db, 'editor');
  });
  afterAll(async () => {
    useStorageForTests(undefined);
    await fs.rm(root, { recursive: true, force: true });
  });

  /** Runs the asset's due job of this kind (and only that one). */
  async function runJob(assetId: string, kind: 'derive' | 'frames'): Promise<JobOutcome> {
    const claim = await claimNextJob(database().db, { assetId, kinds: [kind] });
    if (!claim) throw new Error('no job was due');
    return runClaimedJob(database().db, claim);
  }

  const row = async (id: string) => (await database().db.select().from(assets).where(eq(assets.id, id)))[0];

  it('derive gives sharp the original as a file: no whole read of it as a stream', async () => {
    const { assetId, complete } = await uploadThroughApi(editor, await testJpeg(1, 1600, 1200));
    expect(complete.status).toBe(202);
    const { originalKey } = await row(assetId);
    storage.wholeReads = [];
    expect(await runJob(assetId, 'derive')).toMatchObject({ kind: 'done', job: { kind: 'derive' } });
    expect(await row(assetId)).toMatchObject({ width: 1600, height: 1200, derivatives: { grid: { width: 400 } } });
    expect(storage.wholeReads).not.toContain(originalKey);
  });

  it('a video is probed and its frames taken from the original file itself, not a copy streamed out of storage', async () => {
    const tools = await videoTools();
    if (!tools) throw new Error('ffmpeg/ffprobe should come with the dependencies');
    const bytes = makeTestVideo(tools, { seconds: 2, width: 320, height: 180 });
    const { assetId } = await uploadThroughApi(editor, bytes, { filename: 'clip.mp4', contentType: 'video/mp4' });
    const { originalKey } = await row(assetId);
    storage.wholeReads = [];
    expect(await runJob(assetId, 'derive')).toMatchObject({ kind: 'done', job: { kind: 'derive' } });
    expect(await runJob(assetId, 'frames')).toMatchObject({ kind: 'done', job: { kind: 'frames' } });
    expect(Object.keys((await row(assetId)).derivatives ?? {}).filter((kind) => kind.startsWith('frame-')).length).toBeGreaterThan(0);
    expect(storage.wholeReads).not.toContain(originalKey);
  });

  it('a 1,080-byte RLE8 BMP declaring 1 x 100,000,000 pixels fails derive at once with its reason: one attempt, no retry', async () => {
    const header = Buffer.alloc(54);
    header.write('BM', 0, 'latin1');
    header.writeUInt32LE(1080, 2);
    header.writeUInt32LE(54 + 1024, 10);
    header.writeUInt32LE(40, 14);
    header.writeInt32LE(1, 18);
    header.writeInt32LE(100_000_000, 22);
    header.writeUInt16LE(1, 26);
    header.writeUInt16LE(8, 28);
    header.writeUInt32LE(1, 30);
    // A full palette, then RLE8's end-of-bitmap code: the whole picture in two bytes.
    const bytes = Buffer.concat([header, Buffer.alloc(1024), Buffer.from([0, 1])]);
    expect(bytes.length).toBe(1080);
    const { assetId, complete } = await uploadThroughApi(editor, bytes, { filename: 'sliver.bmp', contentType: 'image/bmp' });
    expect(complete.status).toBe(202);

    expect(await runJob(assetId, 'derive')).toMatchObject({ kind: 'failed', code: 'too_many_pixels' });
    const [derive] = (await jobsOf(database().db, assetId)).filter((job) => job.kind === 'derive');
    expect(derive).toMatchObject({ status: 'failed', attempts: 1, lastErrorCode: 'too_many_pixels' });
    expect(await row(assetId)).toMatchObject({ state: 'failed_derive', errorCode: 'too_many_pixels', derivatives: null });
    expect((await row(assetId)).error).toMatch(/1x100000000/);
    expect(await claimNextJob(database().db, { assetId })).toBeNull();
  });

  it('a 600-frames-a-second flood behind one keyframe fails derive at once with its reason, before any frame is decoded: one attempt, no retry', async () => {
    const tools = await videoTools();
    if (!tools) throw new Error('ffmpeg/ffprobe should come with the dependencies');
    const bytes = makeOneKeyframeVideo(tools, { seconds: 10, rate: 600 });
    const { assetId } = await uploadThroughApi(editor, bytes, { filename: 'flood.mp4', contentType: 'video/mp4' });
    expect(await runJob(assetId, 'derive')).toMatchObject({ kind: 'failed', code: 'video_too_many_frames' });
    const [derive] = (await jobsOf(database().db, assetId)).filter((job) => job.kind === 'derive');
    expect(derive).toMatchObject({ status: 'failed', attempts: 1 });
    expect(await row(assetId)).toMatchObject({ state: 'failed_derive', errorCode: 'video_too_many_frames', derivatives: null });
    expect(await claimNextJob(database().db, { assetId })).toBeNull();
  });
});
