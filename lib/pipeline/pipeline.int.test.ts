import fs from 'node:fs/promises';
import path from 'node:path';
import { eq, inArray, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { assets } from '@/db/schema';
import { makeAccount, type TestAccount } from '@/test/auth';
import { dropAfterTasks, pendingAfterTasks, runAfterTasks } from '@/lib/ingest/after-capture';
import { announceUpload, completeUpload, orphanedKeys, putToSignedUrl, testJpeg, uploadThroughApi, useTemporaryLocalStorage } from '@/test/ingest';
import { useTestDatabase } from '@/test/db';
import { advance, claimAsset, claimNextPending, release } from './claims';
import { runPipeline, type PipelineOutcome } from './run';
import { sweepPending } from './sweeper';

vi.mock('next/server', async (original) => ({ ...(await original<object>()), after: (await import('@/lib/ingest/after-capture')).captureAfter }));

const PAST_DERIVE = ['derived', 'described', 'embedded', 'failed_describe', 'failed_embed'];

const database = useTestDatabase();
const files = useTemporaryLocalStorage();
let editor: TestAccount;
let seed = 100;

async function row(id: string) {
  const [found] = await database().db.select().from(assets).where(eq(assets.id, id));
  return found;
}

/** An asset whose upload completed (state `stored`) but whose processing never ran. */
async function storedButUnprocessed(): Promise<string> {
  const { assetId, complete } = await uploadThroughApi(editor, await testJpeg(seed++));
  expect(complete.status).toBe(202);
  dropAfterTasks();
  return assetId;
}

beforeAll(async () => {
  editor = await makeAccount(database().db, 'editor');
});

describe('the asset pipeline', () => {
  it('fifty uploads completed at once all end with derivatives: nothing dropped', async () => {
    const uploads = await Promise.all(
      Array.from({ length: 50 }, async (_, index) => {
        const bytes = await testJpeg(1000 + index, 1600, 1200);
        const started = await announceUpload(editor, bytes, { filename: `batch-${index}.jpg` });
        expect((await putToSignedUrl(started.upload.url, bytes)).status).toBe(200);
        return started.assetId;
      }),
    );
    const completions = await Promise.all(uploads.map((id) => completeUpload(editor, id)));
    expect(completions.map((response) => response.status)).toEqual(uploads.map(() => 202));
    expect(pendingAfterTasks()).toBe(50);
    await runAfterTasks({ concurrently: true });

    const rows = await database().db.select().from(assets).where(inArray(assets.id, uploads));
    expect(rows).toHaveLength(50);
    for (const asset of rows) {
      expect(PAST_DERIVE).toContain(asset.state);
      expect(asset.derivatives).toMatchObject({ vision: { width: 1200, height: 900 }, grid: { width: 400, height: 300 } });
      expect(asset.claimToken).toBeNull();
    }
    expect(await orphanedKeys(files().root)).toEqual([]);
  });

  it('a crash between steps (stored, lease expired) is completed by the sweeper', async () => {
    const crashed = await storedButUnprocessed();
    // A worker claimed it, then died: its token is still there, its lease ran out.
    await database().db.update(assets).set({ claimToken: crypto.randomUUID(), claimedUntil: sql`now() - interval '1 minute'` }).where(eq(assets.id, crashed));
    const neverStarted = await storedButUnprocessed();

    const summary = await sweepPending();
    expect(summary.finished + summary.failed).toBeGreaterThanOrEqual(2);
    for (const id of [crashed, neverStarted]) {
      const asset = await row(id);
      expect(PAST_DERIVE).toContain(asset.state);
      expect(asset.derivatives?.grid).toBeDefined();
    }
    expect(await claimNextPending()).toBeNull();
  });

  it('two sweepers at once (two app instances) process every pending asset exactly once', async () => {
    const pending = new Set<string>();
    for (let index = 0; index < 8; index++) pending.add(await storedButUnprocessed());
    const handled: string[] = [];
    const record = (outcome: PipelineOutcome) => {
      if (outcome.kind === 'finished' || outcome.kind === 'failed') handled.push(outcome.asset.id);
    };
    const [first, second] = await Promise.all([sweepPending({ workers: 3, onAsset: record }), sweepPending({ workers: 3, onAsset: record })]);
    expect(first.lost + second.lost).toBe(0);
    expect(handled.filter((id) => pending.has(id)).sort()).toEqual([...pending].sort());
    for (const id of pending) expect(PAST_DERIVE).toContain((await row(id)).state);
  });

  it('continues from the step it stopped at, without redoing earlier ones', async () => {
    const id = await storedButUnprocessed();
    expect((await runPipeline(id)).kind).not.toBe('skipped');
    const derived = await row(id);
    // Crash after derive: back to `derived`, lease expired.
    await database().db.update(assets).set({ state: 'derived', claimToken: crypto.randomUUID(), claimedUntil: sql`now() - interval '1 second'`, nextAttemptAt: null }).where(eq(assets.id, id));
    await sweepPending();
    const after = await row(id);
    expect(PAST_DERIVE.slice(1)).toContain(after.state);
    expect(after.derivatives).toEqual(derived.derivatives);
  });

  it('leaves an asset alone while another worker holds a live lease', async () => {
    const id = await storedButUnprocessed();
    await database().db.update(assets).set({ claimToken: crypto.randomUUID(), claimedUntil: sql`now() + interval '5 minutes'` }).where(eq(assets.id, id));
    expect(await runPipeline(id)).toEqual({ kind: 'skipped' });
    expect(await claimNextPending()).toBeNull();
    expect((await row(id)).state).toBe('stored');
    await database().db.update(assets).set({ claimToken: null, claimedUntil: null }).where(eq(assets.id, id));
    await sweepPending();
  });

  it('a worker whose lease was taken over can no longer write', async () => {
    const id = await storedButUnprocessed();
    const stale = await claimAsset(id);
    if (!stale) throw new Error('expected a claim');
    await database().db.update(assets).set({ claimedUntil: sql`now() - interval '1 second'` }).where(eq(assets.id, id));
    const current = await claimAsset(id);
    if (!current) throw new Error('expected the expired lease to be claimable');
    expect(await advance(stale, 'derived')).toBeNull();
    expect((await row(id)).claimToken).toBe(current.token);
    expect((await row(id)).state).toBe('stored');
    await release(current);
    await sweepPending();
  });

  it('an unexpected error is recorded and retried later; a retry that is due is picked up', async () => {
    const id = await storedButUnprocessed();
    const asset = await row(id);
    const original = path.join(files().root, asset.originalKey);
    const bytes = await fs.readFile(original);
    // Replace the original by a folder: reading it fails with EISDIR, a real I/O failure.
    await fs.rm(original);
    await fs.mkdir(original);
    vi.spyOn(console, 'error').mockImplementationOnce(() => {});
    expect(await runPipeline(id)).toMatchObject({ kind: 'failed', step: 'derive', code: 'internal' });
    const failed = await row(id);
    expect(failed).toMatchObject({ state: 'stored', errorCode: 'internal', attempts: 1, claimToken: null });
    expect(failed.nextAttemptAt?.getTime()).toBeGreaterThan(Date.now());
    expect(await claimNextPending()).toBeNull();

    await fs.rmdir(original);
    await fs.writeFile(original, bytes);
    await database().db.update(assets).set({ nextAttemptAt: sql`now() - interval '1 second'` }).where(eq(assets.id, id));
    await sweepPending();
    const recovered = await row(id);
    expect(PAST_DERIVE).toContain(recovered.state);
    expect(recovered.derivatives?.vision).toBeDefined();
  });

  it('an original missing from storage fails the derive step for good, with the reason', async () => {
    const id = await storedButUnprocessed();
    await files().storage.delete((await row(id)).originalKey);
    expect(await runPipeline(id)).toMatchObject({ kind: 'failed', step: 'derive', code: 'upload_missing' });
    expect(await row(id)).toMatchObject({ state: 'failed_derive', errorCode: 'upload_missing', claimToken: null, nextAttemptAt: null });
  });
});
