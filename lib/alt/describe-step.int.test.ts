import { asc, eq, sql } from 'drizzle-orm';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { altHistory, assets, jobs, providerState } from '@/db/schema';
import { resetConfig } from '@/lib/config';
import { useTemporaryLocalStorage } from '@/test/ingest';
import { jobsOf, runAssetJobs, runDueJobs } from '@/lib/jobs';
import { useTestDatabase } from '@/test/db';
import { standInModelAvailable, useStandInEmbeddingModel } from '@/test/stand-in-embedding-model';
import { describeStep } from './describe-step';
import { PROMPT_VERSION } from './prompt';
import { productJpeg, storedAsset, useFakeGroq } from '@/test/alt';

/** The describe step inside the real pipeline (derive → describe → embed), against the fake Groq API. */
describe.skipIf(!standInModelAvailable())('describe step in the pipeline', () => {
  const database = useTestDatabase();
  const files = useTemporaryLocalStorage();
  const fake = useFakeGroq(() => database().db);

  beforeAll(() => useStandInEmbeddingModel());

  const history = (assetId: string) =>
    database().db.select().from(altHistory).where(eq(altHistory.assetId, assetId)).orderBy(asc(altHistory.createdAt));
  const reload = async (assetId: string) => (await database().db.select().from(assets).where(eq(assets.id, assetId)))[0];

  it('writes gated AI alt text with provenance from the vision derivative, and the asset is embedded', async () => {
    const asset = await storedAsset(database().db, files().storage, await productJpeg(), {
      filename: 'navy-canvas-backpack.jpg',
      title: 'Navy canvas backpack',
      tags: ['backpack', 'canvas'],
      sku: 'BP-001',
    });
    const outcome = await runAssetJobs(asset.id);
    expect(outcome.kind).toBe('finished');

    const done = await reload(asset.id);
    expect(done).toMatchObject({
      state: 'embedded',
      altSource: 'ai',
      altStatus: 'proposed',
      altAuthor: 'groq',
      altModel: 'meta-llama/llama-4-scout-17b-16e-instruct',
      altPromptVersion: PROMPT_VERSION,
      altAttempts: 1,
      altLastError: null,
    });
    expect(done.altText).toMatch(/^Navy canvas backpack photographed from the front/);
    expect(done.version).toBeGreaterThan(asset.version);

    const [request] = fake().requests;
    expect(request.image?.transport).toBe('base64');
    const sent = request.body?.messages?.[1]?.content as Array<{ type: string; image_url?: { url: string } }>;
    const dataUrl = sent.find((part) => part.type === 'image_url')!.image_url!.url;
    expect(dataUrl.startsWith('data:image/webp;base64,')).toBe(true);
    const seen = await sharp(Buffer.from(dataUrl.split(',')[1], 'base64')).metadata();
    // The 1200 px vision derivative, never the original.
    expect({ format: seen.format, height: seen.height }).toEqual({ format: 'webp', height: 1200 });
    expect(request.userText).toContain('navy-canvas-backpack.jpg');
    expect(request.userText).toContain('"sku": "BP-001"');

    const rows = await history(asset.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ event: 'generated', outcome: 'written', provider: 'groq', promptVersion: PROMPT_VERSION, text: done.altText });
    expect(rows[0].inputTokens).toBeGreaterThan(0);
    expect(rows[0].outputTokens).toBeGreaterThan(0);
    expect(rows[0].latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('without a provider the asset still completes and says why it has no alt text', async () => {
    process.env.VISION_PROVIDER = 'none';
    resetConfig();
    const asset = await storedAsset(database().db, files().storage, await productJpeg(800, 800));
    await runAssetJobs(asset.id);
    const done = await reload(asset.id);
    expect(done).toMatchObject({ state: 'embedded', altText: null, altSource: null, altLastError: 'no vision provider configured', altAttempts: 0 });
    expect(fake().requests).toHaveLength(0);
  });

  it('a failed generation keeps alt empty, counts the attempt, schedules a retry, and embedding still happens', async () => {
    fake().script({ kind: 'status', status: 500 }, { kind: 'status', status: 502 }, { kind: 'status', status: 503 });
    const asset = await storedAsset(database().db, files().storage, await productJpeg(700, 900));
    await runAssetJobs(asset.id);
    const done = await reload(asset.id);
    expect(done).toMatchObject({ state: 'embedded', altText: null, altAttempts: 1, altLastError: expect.stringMatching(/^server_error: 503/) });
    expect(done.altNextAttemptAt!.getTime()).toBeGreaterThan(Date.now());
    expect((await history(asset.id)).map((row) => [row.event, row.outcome])).toEqual([
      ['failed', 'server_error'],
      ['failed', 'server_error'],
      ['failed', 'server_error'],
    ]);
  });

  it('failed alt text is retried when due: the describe job waits until then, then writes the text and re-embeds', async () => {
    fake().script({ kind: 'status', status: 500 }, { kind: 'status', status: 502 }, { kind: 'status', status: 503 });
    const asset = await storedAsset(database().db, files().storage, await productJpeg(720, 900));
    await runAssetJobs(asset.id);
    const failed = await reload(asset.id);
    const describe = (await jobsOf(asset.id)).find((job) => job.kind === 'describe');
    expect(describe).toMatchObject({ status: 'waiting', nextAttemptAt: failed.altNextAttemptAt });
    const vectorBefore = (await jobsOf(asset.id)).find((job) => job.kind === 'embed')?.inputHash;
    // Not due yet: nothing runs.
    expect(await runDueJobs({ concurrency: 1, assetId: asset.id })).toMatchObject({ done: 0 });
    await database().db.update(jobs).set({ nextAttemptAt: sql`now() - interval '1 second'` }).where(eq(jobs.id, describe!.id));
    expect(await runDueJobs({ concurrency: 1, assetId: asset.id })).toMatchObject({ done: 2, failed: 0 });
    const done = await reload(asset.id);
    expect(done).toMatchObject({ state: 'embedded', altSource: 'ai', altAttempts: 2, altLastError: null, altNextAttemptAt: null });
    const after = await jobsOf(asset.id);
    expect(after.find((job) => job.kind === 'describe')).toMatchObject({ status: 'done' });
    expect(after.find((job) => job.kind === 'embed')).toMatchObject({ status: 'done', inputHash: expect.not.stringMatching(vectorBefore!) });
  });

  it('a gate-rejected answer is kept as a rejected proposal and never written', async () => {
    fake().script({ kind: 'text', content: 'Sneakers, sneakers for men, best sneakers, cheap sneakers, running sneakers, white sneakers sale.' });
    const asset = await storedAsset(database().db, files().storage, await productJpeg(640, 640));
    await runAssetJobs(asset.id);
    const done = await reload(asset.id);
    expect(done).toMatchObject({ state: 'embedded', altText: null, altSource: null, altLastError: 'gate_rejected: quality gate: keyword_stuffing' });
    const [row] = await history(asset.id);
    expect(row).toMatchObject({ event: 'gate_rejected', outcome: 'gate_rejected', message: 'keyword_stuffing', text: expect.stringContaining('best sneakers') });
  });

  it('a long 429 blocks the provider in provider_state; the next asset makes no call until then', async () => {
    fake().script({ kind: 'rate_limit', wait: '5m29.8752s', limit: 'requests' });
    const first = await storedAsset(database().db, files().storage, await productJpeg(600, 800));
    await runAssetJobs(first.id);
    const [state] = await database().db.select().from(providerState).where(eq(providerState.provider, 'groq'));
    expect(state.blockedUntil!.getTime()).toBeGreaterThan(Date.now() + 5 * 60 * 1000);
    expect(state.reason).toMatch(/^rate_limited_long/);

    const second = await storedAsset(database().db, files().storage, await productJpeg(601, 800));
    await runAssetJobs(second.id);
    expect(fake().requests).toHaveLength(1);
    const skipped = await reload(second.id);
    expect(skipped).toMatchObject({ state: 'embedded', altText: null, altLastError: expect.stringMatching(/^rate_limited_long: groq is paused until/) });
    expect(skipped.altNextAttemptAt!.getTime()).toBeGreaterThanOrEqual(state.blockedUntil!.getTime() - 1000);
  });

  it('tiny images and decorative assets get alt="" without a model call', async () => {
    const tiny = await storedAsset(database().db, files().storage, await productJpeg(20, 20));
    const decorative = await storedAsset(database().db, files().storage, await productJpeg(800, 600), { decorative: true });
    await runAssetJobs(tiny.id);
    await runAssetJobs(decorative.id);
    for (const id of [tiny.id, decorative.id]) {
      expect(await reload(id)).toMatchObject({ state: 'embedded', altText: '', altStatus: 'decorative', altSource: null });
    }
    expect((await history(tiny.id))[0]).toMatchObject({ event: 'decorative', message: 'image is 20x20 px, under the 32 px minimum' });
    expect(fake().requests).toHaveLength(0);
  });

  it('a step whose claim passed to another worker writes nothing and says claim_lost', async () => {
    const asset = await storedAsset(database().db, files().storage, await productJpeg(500, 700));
    await runAssetJobs(asset.id);
    await database().db.update(assets).set({ altText: null, altSource: null }).where(eq(assets.id, asset.id));
    const [job] = (await jobsOf(asset.id)).filter((found) => found.kind === 'describe');
    await database().db.update(jobs).set({ status: 'running', claimToken: '11111111-1111-4111-8111-111111111111', claimedUntil: sql`now() + interval '1 minute'` }).where(eq(jobs.id, job.id));
    const before = await reload(asset.id);
    const stale = { jobId: job.id, token: '22222222-2222-4222-8222-222222222222' };
    const outcome = await describeStep({ asset: before, job, lease: stale, signal: new AbortController().signal });
    expect(outcome).toEqual({ ok: false, kind: 'claim_lost' });
    expect(await reload(asset.id)).toMatchObject({ altText: null, version: before.version });
  });
});
