import fs from 'node:fs/promises';
import path from 'node:path';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { assets, jobs } from '@/db/schema';
import { resetConfig } from '@/lib/config';
import { dropAfterTasks, pendingAfterTasks, runAfterTasks, deriveStep } from '@/lib/ingest';
import { makeAccount, type TestAccount } from '@/test/auth';
import { useTestDatabase } from '@/test/db';
import { standInModelAvailable, useStandInEmbeddingModel } from '@/test/stand-in-embedding-model';
import { announceUpload, completeUpload, orphanedKeys, putToSignedUrl, testJpeg, uploadThroughApi, useTemporaryLocalStorage } from '@/test/ingest';
import { claimNextJob, enqueueJob, JOB_PRIORITY, jobsOf, renewLease } from './queue';
import { runAssetJobs, runClaimedJob, runDueJobs, type JobOutcome } from './run';
import { startSweeper, stopSweeper } from './sweeper';

vi.mock('next/server', async (original) => ({ ...(await original<object>()), after: (await import('@/lib/ingest/after-capture')).captureAfter }));

const PAST_DERIVE = ['derived', 'described', 'embedded', 'failed_describe', 'failed_embed'];
/** Short leases so an abandoned job is due again within seconds (the default is a minute). */
const LEASE_SECONDS = 2;

const database = useTestDatabase();
const files = useTemporaryLocalStorage();
let editor: TestAccount;
let seed = 100;

async function row(id: string) {
  const [found] = await database().db.select().from(assets).where(eq(assets.id, id));
  return found;
}

async function job(assetId: string, kind: 'derive' | 'describe' | 'embed') {
  const [found] = await database().db.select().from(jobs).where(and(eq(jobs.assetId, assetId), eq(jobs.kind, kind)));
  return found;
}

/** An asset whose upload completed (state `stored`, derive job queued) but whose after() never ran: the process died. */
async function storedButUnprocessed(): Promise<string> {
  const { assetId, complete } = await uploadThroughApi(editor, await testJpeg(seed++));
  expect(complete.status).toBe(202);
  dropAfterTasks();
  return assetId;
}

/** The worker holding the job was killed: its lease is left behind, running, and has run out. */
async function abandon(assetId: string, kind: 'derive' | 'describe' | 'embed') {
  await database()
    .db.update(jobs)
    .set({ status: 'running', claimToken: crypto.randomUUID(), claimedUntil: sql`now() - interval '1 second'` })
    .where(and(eq(jobs.assetId, assetId), eq(jobs.kind, kind)));
}

beforeAll(async () => {
  process.env.JOBS_LEASE_SECONDS = String(LEASE_SECONDS);
  useStandInEmbeddingModel();
  editor = await makeAccount(database().db, 'editor');
});
afterAll(() => {
  delete process.env.JOBS_LEASE_SECONDS;
  resetConfig();
});

describe.skipIf(!standInModelAvailable())('the jobs machinery', () => {
  // Two dozen is many times the sharp limiter's slots, which is what can drop work; fifty took 42 s on a quiet 2-core machine.
  it('two dozen uploads completed at once all end with derivatives: nothing dropped', { timeout: 180_000 }, async () => {
    const uploads = await Promise.all(
      Array.from({ length: 24 }, async (_, index) => {
        const bytes = await testJpeg(1000 + index, 1600, 1200);
        const started = await announceUpload(editor, bytes, { filename: `batch-${index}.jpg` });
        expect((await putToSignedUrl(started.upload.url, bytes)).status).toBe(200);
        return started.assetId;
      }),
    );
    const completions = await Promise.all(uploads.map((id) => completeUpload(editor, id)));
    expect(completions.map((response) => response.status)).toEqual(uploads.map(() => 202));
    expect(pendingAfterTasks()).toBe(24);
    await runAfterTasks({ concurrently: true });
    const rows = await database().db.select().from(assets).where(inArray(assets.id, uploads));
    expect(rows).toHaveLength(24);
    for (const asset of rows) {
      expect(PAST_DERIVE).toContain(asset.state);
      expect(asset.derivatives).toMatchObject({ vision: { width: 1200, height: 900 }, grid: { width: 400, height: 300 } });
    }
    const derives = await database().db.select().from(jobs).where(and(inArray(jobs.assetId, uploads), eq(jobs.kind, 'derive')));
    expect(derives.map((found) => [found.status, found.claimToken, found.priority])).toEqual(uploads.map(() => ['done', null, JOB_PRIORITY.interactive]));
    expect(await orphanedKeys(files().root)).toEqual([]);
  });

  it('a completed upload has its derive job queued in the same transaction, so a crash before after() loses nothing', async () => {
    const id = await storedButUnprocessed();
    expect(await row(id)).toMatchObject({ state: 'stored' });
    expect(await jobsOf(database().db, id)).toMatchObject([{ kind: 'derive', key: '', status: 'pending', priority: JOB_PRIORITY.interactive, attempts: 0 }]);
    await runDueJobs(database().db, { concurrency: 2 });
  });

  it('the in-app sweeper picks up a job whose worker was killed mid-step within lease + sweep interval, with no command typed', async () => {
    const id = await storedButUnprocessed();
    // A worker claimed the derive job and was killed: the job stays running with a live lease for now.
    const claim = await claimNextJob(database().db, { assetId: id });
    expect(claim?.job.kind).toBe('derive');
    const intervalMs = 200;
    await startSweeper({ intervalMs, concurrency: 2 });
    try {
      // While the lease is live nobody else takes it.
      expect((await job(id, 'derive')).claimToken).toBe(claim!.lease.token);
      await vi.waitFor(async () => expect(PAST_DERIVE).toContain((await row(id)).state), { timeout: LEASE_SECONDS * 1000 + intervalMs + 10_000, interval: 100 });
      await vi.waitFor(async () => expect((await row(id)).state).toBe('embedded'), { timeout: 30_000, interval: 100 });
    } finally {
      await stopSweeper();
    }
    expect((await job(id, 'derive')).claimToken).toBeNull();
    // The killed worker's token is worthless now: it can neither renew nor write.
    expect(await renewLease(database().db, claim!.lease)).toBe(false);
  });

  it('two runners at once (two app instances) run every due job exactly once', async () => {
    const pending = new Set<string>();
    for (let index = 0; index < 8; index++) pending.add(await storedButUnprocessed());
    const ran: string[] = [];
    const record = (outcome: JobOutcome) => {
      if (outcome.kind !== 'lost') ran.push(`${outcome.job.assetId}/${outcome.job.kind}/${outcome.job.key}`);
    };
    const [first, second] = await Promise.all([runDueJobs(database().db, { concurrency: 3, onJob: record }), runDueJobs(database().db, { concurrency: 3, onJob: record })]);
    expect(first.lost + second.lost).toBe(0);
    expect(new Set(ran).size).toBe(ran.length);
    expect(ran.filter((key) => key.endsWith('/derive/')).map((key) => key.split('/')[0]).sort()).toEqual([...pending].sort());
    for (const id of pending) expect(PAST_DERIVE).toContain((await row(id)).state);
  });

  it('continues from the step it stopped at, without redoing earlier ones', async () => {
    const id = await storedButUnprocessed();
    const derive = await claimNextJob(database().db, { assetId: id });
    expect((await runClaimedJob(database().db, derive!)).kind).toBe('done');
    const derived = await row(id);
    expect(derived.state).toBe('derived');
    // Crash during describe: its lease left behind, expired.
    await abandon(id, 'describe');
    await runDueJobs(database().db, { concurrency: 1 });
    const after = await row(id);
    expect(PAST_DERIVE.slice(1)).toContain(after.state);
    expect(after.derivatives).toEqual(derived.derivatives);
    expect((await job(id, 'derive')).succeededAt).toEqual((await jobsOf(database().db, id)).find((found) => found.kind === 'derive')?.succeededAt);
    expect((await job(id, 'derive')).attempts).toBe(0);
  });

  it('leaves a job alone while another worker holds a live lease', async () => {
    const id = await storedButUnprocessed();
    await database()
      .db.update(jobs)
      .set({ status: 'running', claimToken: crypto.randomUUID(), claimedUntil: sql`now() + interval '5 minutes'` })
      .where(eq(jobs.assetId, id));
    expect(await runAssetJobs(database().db, id)).toEqual({ kind: 'skipped' });
    expect(await claimNextJob(database().db, { assetId: id })).toBeNull();
    expect((await row(id)).state).toBe('stored');
    await database().db.update(jobs).set({ claimToken: null, claimedUntil: null }).where(eq(jobs.assetId, id));
    await runDueJobs(database().db, { concurrency: 1 });
  });

  it('a reclaimed job is never written twice: the worker whose lease was taken over can no longer write or settle', async () => {
    const id = await storedButUnprocessed();
    const stale = await claimNextJob(database().db, { assetId: id });
    if (!stale || !stale.asset) throw new Error('expected a claim');
    await database().db.update(jobs).set({ claimedUntil: sql`now() - interval '1 second'` }).where(eq(jobs.id, stale.job.id));
    const current = await claimNextJob(database().db, { assetId: id });
    if (!current) throw new Error('expected the expired lease to be claimable');
    expect(current.job.id).toBe(stale.job.id);
    // The old worker wakes up and finishes its step: its write is refused, nothing of it lands.
    expect(await deriveStep({ db: database().db, ...stale, signal: new AbortController().signal })).toEqual({ ok: false, kind: 'claim_lost' });
    expect((await row(id)).derivatives).toBeNull();
    expect(await runClaimedJob(database().db, stale)).toMatchObject({ kind: 'lost' });
    expect((await job(id, 'derive')).claimToken).toBe(current.lease.token);
    expect((await row(id)).state).toBe('stored');
    expect(await runClaimedJob(database().db, current)).toMatchObject({ kind: 'done' });
    expect((await row(id)).derivatives?.grid).toBeDefined();
    expect(await orphanedKeys(files().root)).toEqual([]);
    await runDueJobs(database().db, { concurrency: 1 });
  });

  it('interactive work always goes before backfill work, whatever was queued first', async () => {
    const backfill = [await storedButUnprocessed(), await storedButUnprocessed(), await storedButUnprocessed()];
    await database().db.update(jobs).set({ priority: JOB_PRIORITY.backfill }).where(inArray(jobs.assetId, backfill));
    const fresh = await storedButUnprocessed();
    const order: string[] = [];
    await runDueJobs(database().db, { concurrency: 1, onJob: (outcome) => order.push(outcome.job.assetId ?? '') });
    const freshJobs = (await jobsOf(database().db, fresh)).length;
    // The fresh upload's derive, then what it enqueued (describe, embed), all before any backfill job.
    expect(order.slice(0, freshJobs)).toEqual(Array(freshJobs).fill(fresh));
    expect(new Set(order.slice(freshJobs))).toEqual(new Set(backfill));
    // A worker limited to interactive work takes no backfill job.
    await enqueueJob(database().db, { assetId: backfill[0], kind: 'derive', priority: JOB_PRIORITY.backfill, force: true });
    expect(await claimNextJob(database().db, { maxPriority: JOB_PRIORITY.interactive })).toBeNull();
    await runDueJobs(database().db, { concurrency: 1 });
  });

  it('enqueueing is an upsert on (asset, kind, key): a done job with the same input is not redone, a new input or force is', async () => {
    const id = await storedButUnprocessed();
    await runAssetJobs(database().db, id);
    const key = 'model-x';
    expect(await enqueueJob(database().db, { assetId: id, kind: 'embed', key, priority: JOB_PRIORITY.backfill, inputHash: 'h1' })).toBe(true);
    await database().db.update(jobs).set({ status: 'done' }).where(and(eq(jobs.assetId, id), eq(jobs.key, key)));
    expect(await enqueueJob(database().db, { assetId: id, kind: 'embed', key, priority: JOB_PRIORITY.backfill, inputHash: 'h1' })).toBe(false);
    expect(await enqueueJob(database().db, { assetId: id, kind: 'embed', key, priority: JOB_PRIORITY.backfill, inputHash: 'h2' })).toBe(true);
    expect(await enqueueJob(database().db, { assetId: id, kind: 'embed', key, priority: JOB_PRIORITY.interactive, inputHash: 'h2' })).toBe(true);
    const [queued] = await database().db.select().from(jobs).where(and(eq(jobs.assetId, id), eq(jobs.key, key)));
    expect(queued).toMatchObject({ status: 'pending', inputHash: 'h2', priority: JOB_PRIORITY.interactive });
    expect((await jobsOf(database().db, id)).filter((found) => found.key === key)).toHaveLength(1);
    await database().db.delete(jobs).where(eq(jobs.id, queued.id));
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
    expect(await runAssetJobs(database().db, id)).toMatchObject({ kind: 'failed', step: 'derive', code: 'internal' });
    expect(await row(id)).toMatchObject({ state: 'stored', errorCode: 'internal' });
    const failed = await job(id, 'derive');
    expect(failed).toMatchObject({ status: 'pending', lastErrorCode: 'internal', attempts: 1, claimToken: null });
    expect(failed.nextAttemptAt?.getTime()).toBeGreaterThan(Date.now());
    expect(await claimNextJob(database().db, { assetId: id })).toBeNull();
    await fs.rmdir(original);
    await fs.writeFile(original, bytes);
    await database().db.update(jobs).set({ nextAttemptAt: sql`now() - interval '1 second'` }).where(eq(jobs.id, failed.id));
    await runDueJobs(database().db, { concurrency: 1 });
    const recovered = await row(id);
    expect(PAST_DERIVE).toContain(recovered.state);
    expect(recovered.errorCode).toBeNull();
    expect(recovered.derivatives?.vision).toBeDefined();
  });

  it('an original missing from storage fails the derive job for good, with the reason on the asset', async () => {
    const id = await storedButUnprocessed();
    await files().storage.delete((await row(id)).originalKey);
    expect(await runAssetJobs(database().db, id)).toMatchObject({ kind: 'failed', step: 'derive', code: 'upload_missing' });
    expect(await row(id)).toMatchObject({ state: 'failed_derive', errorCode: 'upload_missing', error: expect.stringContaining('missing from storage') });
    expect(await job(id, 'derive')).toMatchObject({ status: 'failed', claimToken: null });
    expect(await claimNextJob(database().db, { assetId: id })).toBeNull();
  });
});
