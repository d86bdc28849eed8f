import { randomBytes } from 'node:crypto';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import sharp from 'sharp';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { altBatches, altBatchLines, altHistory, assets, backfillRuns, jobs, type Asset } from '@/db/schema';
import { resetConfig } from '@/lib/config';
import { runBackfill, runDueJobs, dryRun, describeDryRun } from '@/lib/jobs';
import { derivativeKey, newDerivativePrefix, newOriginalKey } from '@/lib/storage';
import { useFakeGroq } from '@/test/alt';
import { useTestDatabase } from '@/test/db';
import { useTemporaryLocalStorage } from '@/test/ingest';
import { standInModelAvailable, useStandInEmbeddingModel } from '@/test/stand-in-embedding-model';
import { costUsd } from './budget';
import { queueDescribeBatches } from './batch';
import { writeAlt } from './write';

/**
 * The backfill through the fake's Batch API (BACKFILL_MODE=batch), end to end on the real database: requests
 * sent as JSONL batches, polled on the fake's clock, each answer through the gate onto the row as it was sent,
 * the batch price recorded; a restart mid-batch; expired and failed lines; a refusal that goes online.
 */
describe.skipIf(!standInModelAvailable())('backfill through the Batch API', () => {
  const database = useTestDatabase();
  const files = useTemporaryLocalStorage();
  const fake = useFakeGroq(() => database().db, { BACKFILL_MODE: 'batch', BACKFILL_BATCH_POLL_SECONDS: '600' });
  const db = () => database().db;
  let visionKey = '';
  let visionBytes = 0;
  beforeAll(async () => {
    useStandInEmbeddingModel();
    const webp = await sharp({ create: { width: 900, height: 1200, channels: 3, background: { r: 25, g: 35, b: 85 } } }).webp().toBuffer();
    visionKey = derivativeKey(newDerivativePrefix(), 'vision');
    visionBytes = webp.length;
    await files().storage.put(visionKey, webp, { contentType: 'image/webp' });
  });
  beforeEach(async () => {
    await db().delete(assets);
    await db().delete(altBatches);
    await db().delete(backfillRuns);
    delete process.env.BACKFILL_BATCH_RETRY;
    resetConfig();
  });

  /** Photos as a library imported before Loupe wrote any alt text: derived, with a vector, no text. */
  async function library(count: number): Promise<Asset[]> {
    const rows = Array.from({ length: count }, (_, index) => ({
      filename: `coat-${index}.jpg`,
      declaredType: 'image/jpeg',
      declaredSize: 1000,
      declaredSha256: randomBytes(32).toString('hex'),
      sha256: randomBytes(32).toString('hex'),
      sizeBytes: 1000,
      format: 'jpeg',
      mimeType: 'image/jpeg',
      originalKey: newOriginalKey(),
      derivativePrefix: newDerivativePrefix(),
      width: 900,
      height: 1200,
      state: 'derived' as const,
      tags: ['coat'],
      title: `Navy wool coat ${index}`,
      derivatives: { vision: { key: visionKey, width: 900, height: 1200, bytes: visionBytes } },
    }));
    return db().insert(assets).values(rows).returning();
  }

  /** What the server's sweeper does at the next poll: the batch jobs are due, and run. */
  async function poll(advanceSeconds: number) {
    fake().batches.advance(advanceSeconds);
    await db().update(jobs).set({ nextAttemptAt: sql`now()` }).where(eq(jobs.kind, 'batch'));
    return runDueJobs(db(), { kinds: ['batch'], concurrency: 1 });
  }

  const reload = async (id: string) => (await db().select().from(assets).where(eq(assets.id, id)))[0];

  it('backfills 300 photos through the Batch API: every answer through the gate, at half the online price, recorded on the run', async () => {
    const photos = await library(300);
    const plan = await dryRun(db(), { regenerate: false });
    // Groq's batch price: half the online one.
    expect(plan.batchCostUsd).toBeCloseTo(plan.costUsd / 2, 10);
    expect(describeDryRun(plan).join('\n')).toMatch(/about \$\d+\.\d{4} online, or \$\d+\.\d{4} through Groq's Batch API/);

    const result = await runBackfill(db(), { trigger: 'cli', selection: { regenerate: false } });
    expect(result.kind).toBe('ran');
    if (result.kind !== 'ran') return;
    expect(result.batch).toEqual({ kind: 'sent', batches: 1, lines: 300, online: 0 });
    // Sent, not answered yet: no text, no online call, the job waiting for its next poll.
    expect(fake().requests.filter((request) => request.path.endsWith('/chat/completions'))).toHaveLength(0);
    expect(fake().batches.all()).toMatchObject([{ status: 'validating', lines: 300 }]);
    const [job] = await db().select().from(jobs).where(eq(jobs.kind, 'batch'));
    expect(job).toMatchObject({ status: 'waiting' });
    expect(job.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now() + 500_000);
    // Locked instructions first (the prompt cache serves them), then the photo's own data and image.
    const [first] = fake().batches.uploadedLines();
    expect(first.body).toMatchObject({ model: 'qwen/qwen3.8-27b', reasoning_effort: 'none', messages: [{ role: 'system' }, { role: 'user' }] });

    expect(await poll(60)).toMatchObject({ done: 1 });
    expect((await db().select().from(altBatches))[0]).toMatchObject({ status: 'in_progress' });
    await poll(3_600);
    const [batch] = await db().select().from(altBatches);
    expect(batch).toMatchObject({ status: 'applied', completedLines: 300, failedLines: 0 });

    const written = await db().select().from(assets).where(inArray(assets.id, photos.map((photo) => photo.id)));
    expect(written.filter((row) => row.altSource === 'ai' && row.altStatus === 'proposed' && row.altText?.startsWith('Navy wool coat'))).toHaveLength(300);
    const history = await db().select().from(altHistory).where(eq(altHistory.event, 'generated'));
    expect(history).toHaveLength(300);
    for (const entry of history) {
      expect(entry).toMatchObject({ outcome: 'written', background: true, model: 'qwen/qwen3.8-27b' });
      expect(entry.costUsd).toBeCloseTo(costUsd(entry.inputTokens!, entry.outputTokens!) / 2, 12);
    }
    const [run] = await db().select().from(backfillRuns);
    expect(run).toMatchObject({ selected: 300, written: 300 });
    expect(run.costUsd).toBeCloseTo(costUsd(run.inputTokens, run.outputTokens) / 2, 10);
    expect(run.costUsd).toBeGreaterThan(0);
    // Nothing is selected again: every photo has its text.
    expect((await dryRun(db(), { regenerate: false })).counts.missing).toBe(0);
  }, 240_000);

  it('packs lines into as many files as the limits need', async () => {
    const photos = await library(7);
    const queued = await queueDescribeBatches(db(), photos.map((photo) => photo.id), { limits: { maxLines: 3, maxBytes: 100 * 1024 * 1024 } });
    expect(queued).toEqual({ ok: true, batches: 3, lines: 7, online: 0 });
    await poll(0);
    expect(fake().batches.all().map((batch) => batch.lines)).toEqual([3, 3, 1]);
    const bySize = await queueDescribeBatches(db(), (await library(3)).map((photo) => photo.id), { limits: { maxLines: 50_000, maxBytes: 2 * (visionBytes * 2 + 16 * 1024) } });
    expect(bySize).toMatchObject({ ok: true, batches: 2, lines: 3 });
  });

  it('never applies an answer to a photo whose text a person wrote, or that changed, after the batch was sent', async () => {
    const [edited, retitled, untouched] = await library(3);
    await runBackfill(db(), { trigger: 'cli', selection: { regenerate: false } });
    await db().transaction((tx) =>
      writeAlt(tx, { assetId: edited.id, set: { altText: 'Written by a person.', altSource: 'human', altStatus: 'approved' }, events: () => [] }),
    );
    await db().update(assets).set({ title: 'Charcoal coat', version: sql`${assets.version} + 1` }).where(eq(assets.id, retitled.id));
    await poll(4_000);
    expect(await reload(edited.id)).toMatchObject({ altText: 'Written by a person.', altSource: 'human' });
    expect(await reload(retitled.id)).toMatchObject({ altText: null, altSource: null });
    expect(await reload(untouched.id)).toMatchObject({ altSource: 'ai', altStatus: 'proposed' });
    const kept = await db().select().from(altHistory).where(and(eq(altHistory.assetId, edited.id), eq(altHistory.outcome, 'not_written')));
    expect(kept[0].message).toMatch(/changed after the batch was sent/);
  });

  it('a restart mid-batch loses nothing: a batch created just before a crash is found again, not sent twice, and any instance applies it', async () => {
    const photos = await library(4);
    await runBackfill(db(), { trigger: 'cli', selection: { regenerate: false } });
    // As if the process died after Groq created the batch and before Loupe recorded it.
    await db().update(altBatches).set({ status: 'submitting', remoteId: null });
    // The crashed process's claim: its lease ran out; whoever sweeps next takes the job.
    await db().update(jobs).set({ status: 'running', claimedUntil: sql`now() - interval '1 second'`, claimToken: sql`gen_random_uuid()` }).where(eq(jobs.kind, 'batch'));
    await runDueJobs(db(), { kinds: ['batch'], concurrency: 1 });
    expect(fake().batches.all()).toHaveLength(1);
    const [batch] = await db().select().from(altBatches);
    expect(batch.remoteId).toBe(fake().batches.all()[0].id);
    await poll(4_000);
    for (const photo of photos) expect(await reload(photo.id)).toMatchObject({ altSource: 'ai' });
    expect(await db().select().from(altBatchLines).where(isNull(altBatchLines.outcome))).toHaveLength(0);
  });

  it('expired lines go into the next batch; answered ones are applied', async () => {
    fake().batches.setTiming({ processSeconds: 2 * 86_400 });
    const photos = await library(4);
    await runBackfill(db(), { trigger: 'cli', selection: { regenerate: false } });
    // A batch keeps the timing it was created with: the next one runs within its window.
    fake().batches.setTiming({ processSeconds: 3_600 });
    await poll(86_400);
    const batches = await db().select().from(altBatches).orderBy(altBatches.createdAt);
    // The next batch is sent in the same pass: its job is due at once.
    expect(batches.map((batch) => batch.status)).toEqual(['applied', 'validating']);
    const resent = await db().select().from(altBatchLines).where(eq(altBatchLines.batchId, batches[1].id));
    expect(resent).toHaveLength(3);
    expect(resent.every((line) => line.attempt === 2)).toBe(true);
    await poll(4_000);
    for (const photo of photos) expect(await reload(photo.id)).toMatchObject({ altSource: 'ai' });
  });

  it('with BACKFILL_BATCH_RETRY=online, expired lines are described online instead', async () => {
    process.env.BACKFILL_BATCH_RETRY = 'online';
    resetConfig();
    fake().batches.setTiming({ processSeconds: 2 * 86_400 });
    const photos = await library(2);
    await runBackfill(db(), { trigger: 'cli', selection: { regenerate: false } });
    await poll(86_400);
    expect(await db().select().from(altBatches)).toHaveLength(1);
    const queued = await db().select().from(jobs).where(and(eq(jobs.kind, 'describe'), eq(jobs.status, 'pending')));
    expect(queued.map((job) => job.assetId)).toHaveLength(2);
    await runDueJobs(db(), { kinds: ['describe'], concurrency: 1 });
    for (const photo of photos) expect(await reload(photo.id)).toMatchObject({ altSource: 'ai' });
  });

  it('a line Groq answers with an error or text the gate refuses is recorded on the photo, not written', async () => {
    const [refused, rejected] = await library(2);
    fake().batches.scriptLines({ kind: 'status', status: 400, message: 'Invalid image data', code: 'invalid_image' }, { kind: 'text', content: 'Image of' });
    await runBackfill(db(), { trigger: 'cli', selection: { regenerate: false } });
    await poll(4_000);
    expect(await reload(refused.id)).toMatchObject({ altText: null, altLastError: expect.stringMatching(/^image_rejected: Groq answered 400 in the batch: Invalid image data/) });
    expect(await reload(rejected.id)).toMatchObject({ altText: null, altLastError: expect.stringMatching(/^gate_rejected/) });
    expect((await db().select().from(altHistory).where(eq(altHistory.assetId, rejected.id)))[0]).toMatchObject({ event: 'gate_rejected', text: 'Image of' });
  });

  it('Groq refusing batches for the account: a clear message on the batch, and the photos described online', async () => {
    fake().batches.refuse({ account: true });
    const photos = await library(2);
    await runBackfill(db(), { trigger: 'cli', selection: { regenerate: false } });
    const [batch] = await db().select().from(altBatches);
    expect(batch.status).toBe('refused');
    expect(batch.message).toMatch(/^Groq refused the Batch API: Groq answered 403: The Batch API is not available for your organization.*sent to the online API instead; set BACKFILL_MODE=online/);
    // The same run went on with the online calls.
    for (const photo of photos) expect(await reload(photo.id)).toMatchObject({ altSource: 'ai' });
  });

  it('with a provider other than Groq, a batch run says it needs Groq and describes online', async () => {
    Object.assign(process.env, { VISION_PROVIDER: 'openai', VISION_BASE_URL: fake().openaiBaseUrl, VISION_API_KEY: fake().apiKey });
    resetConfig();
    try {
      const [photo] = await library(1);
      const result = await runBackfill(db(), { trigger: 'cli', selection: { regenerate: false } });
      expect(result.kind === 'ran' && result.batch).toEqual({ kind: 'online', message: expect.stringMatching(/^BACKFILL_MODE=batch needs Groq's Batch API/) });
      expect(await db().select().from(altBatches)).toHaveLength(0);
      expect(await reload(photo.id)).toMatchObject({ altSource: 'ai' });
    } finally {
      delete process.env.VISION_BASE_URL;
      delete process.env.VISION_API_KEY;
      resetConfig();
    }
  });

  it('a model Groq will not batch fails the batch at validation: the reason kept, the photos described online', async () => {
    fake().batches.refuse({ models: ['qwen/qwen3.8-27b'] });
    const photos = await library(2);
    await runBackfill(db(), { trigger: 'cli', selection: { regenerate: false } });
    await poll(10);
    const [batch] = await db().select().from(altBatches);
    expect(batch).toMatchObject({ status: 'refused', message: expect.stringMatching(/Groq failed the batch: line 1: The model `qwen\/qwen3\.8-27b` is not supported by the Batch API/) });
    await runDueJobs(db(), { kinds: ['describe'], concurrency: 1 });
    for (const photo of photos) expect(await reload(photo.id)).toMatchObject({ altSource: 'ai' });
  });
});
