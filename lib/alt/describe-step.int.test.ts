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
    const outcome = await runAssetJobs(database().db, asset.id);
    expect(outcome.kind).toBe('finished');

    const done = await reload(asset.id);
    expect(done).toMatchObject({
      state: 'embedded',
      altSource: 'ai',
      altStatus: 'proposed',
      altAuthor: 'groq',
      altModel: 'qwen/qwen3.8-27b',
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
    await runAssetJobs(database().db, asset.id);
    const done = await reload(asset.id);
    expect(done).toMatchObject({ state: 'embedded', altText: null, altSource: null, altLastError: 'no vision provider configured', altAttempts: 0 });
    expect(fake().requests).toHaveLength(0);
  });

  it('a failed generation keeps alt empty, counts the attempt, schedules a retry, and embedding still happens', async () => {
    fake().script({ kind: 'status', status: 500 }, { kind: 'status', status: 502 }, { kind: 'status', status: 503 });
    const asset = await storedAsset(database().db, files().storage, await productJpeg(700, 900));
    await runAssetJobs(database().db, asset.id);
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
    await runAssetJobs(database().db, asset.id);
    const failed = await reload(asset.id);
    const describe = (await jobsOf(database().db, asset.id)).find((job) => job.kind === 'describe');
    expect(describe).toMatchObject({ status: 'waiting', nextAttemptAt: failed.altNextAttemptAt });
    const vectorBefore = (await jobsOf(database().db, asset.id)).find((job) => job.kind === 'embed')?.inputHash;
    // Not due yet: nothing runs.
    expect(await runDueJobs(database().db, { concurrency: 1, assetId: asset.id })).toMatchObject({ done: 0 });
    await database().db.update(jobs).set({ nextAttemptAt: sql`now() - interval '1 second'` }).where(eq(jobs.id, describe!.id));
    expect(await runDueJobs(database().db, { concurrency: 1, assetId: asset.id })).toMatchObject({ done: 2, failed: 0 });
    const done = await reload(asset.id);
    expect(done).toMatchObject({ state: 'embedded', altSource: 'ai', altAttempts: 2, altLastError: null, altNextAttemptAt: null });
    const after = await jobsOf(database().db, asset.id);
    expect(after.find((job) => job.kind === 'describe')).toMatchObject({ status: 'done' });
    expect(after.find((job) => job.kind === 'embed')).toMatchObject({ status: 'done', inputHash: expect.not.stringMatching(vectorBefore!) });
  });

  it('a gate-rejected answer is kept as a rejected proposal and never written', async () => {
    fake().script({ kind: 'text', content: 'Sneakers, sneakers for men, best sneakers, cheap sneakers, running sneakers, white sneakers sale.' });
    const asset = await storedAsset(database().db, files().storage, await productJpeg(640, 640));
    await runAssetJobs(database().db, asset.id);
    const done = await reload(asset.id);
    expect(done).toMatchObject({ state: 'embedded', altText: null, altSource: null, altLastError: 'gate_rejected: quality gate: keyword_stuffing' });
    const [row] = await history(asset.id);
    expect(row).toMatchObject({ event: 'gate_rejected', outcome: 'gate_rejected', message: 'keyword_stuffing', text: expect.stringContaining('best sneakers') });
  });

  it('a long 429 blocks the provider in provider_state; the next asset makes no call until then', async () => {
    fake().script({ kind: 'rate_limit', wait: '5m29.8752s', limit: 'requests' });
    const first = await storedAsset(database().db, files().storage, await productJpeg(600, 800));
    await runAssetJobs(database().db, first.id);
    const [state] = await database().db.select().from(providerState).where(eq(providerState.provider, 'groq'));
    expect(state.blockedUntil!.getTime()).toBeGreaterThan(Date.now() + 5 * 60 * 1000);
    expect(state.reason).toMatch(/^rate_limited_long/);

    const second = await storedAsset(database().db, files().storage, await productJpeg(601, 800));
    await runAssetJobs(database().db, second.id);
    expect(fake().requests).toHaveLength(1);
    const skipped = await reload(second.id);
    expect(skipped).toMatchObject({ state: 'embedded', altText: null, altLastError: expect.stringMatching(/^rate_limited_long: groq is paused until/) });
    expect(skipped.altNextAttemptAt!.getTime()).toBeGreaterThanOrEqual(state.blockedUntil!.getTime() - 1000);
  });

  it('tiny images and decorative assets get alt="" without a model call', async () => {
    const tiny = await storedAsset(database().db, files().storage, await productJpeg(20, 20));
    const decorative = await storedAsset(database().db, files().storage, await productJpeg(800, 600), { decorative: true });
    await runAssetJobs(database().db, tiny.id);
    await runAssetJobs(database().db, decorative.id);
    for (const id of [tiny.id, decorative.id]) {
      expect(await reload(id)).toMatchObject({ state: 'embedded', altText: '', altStatus: 'decorative', altSource: null });
    }
    expect((await history(tiny.id))[0]).toMatchObject({ event: 'decorative', message: 'image is 20x20 px, under the 32 px minimum' });
    expect(fake().requests).toHaveLength(0);
  });

  it('a step whose claim passed to another worker writes nothing and says claim_lost', async () => {
    const asset = await storedAsset(database().db, files().storage, await productJpeg(500, 700));
    await runAssetJobs(database().db, asset.id);
    await database().db.update(assets).set({ altText: null, altSource: null }).where(eq(assets.id, asset.id));
    const [job] = (await jobsOf(database().db, asset.id)).filter((found) => found.kind === 'describe');
    await database().db.update(jobs).set({ status: 'running', claimToken: '11111111-1111-4111-8111-111111111111', claimedUntil: sql`now() + interval '1 minute'` }).where(eq(jobs.id, job.id));
    const before = await reload(asset.id);
    const stale = { jobId: job.id, token: '22222222-2222-4222-8222-222222222222' };
    const outcome = await describeStep({ db: database().db, asset: before, job, lease: stale, signal: new AbortController().signal });
    expect(outcome).toEqual({ ok: false, kind: 'claim_lost' });
    expect(await reload(asset.id)).toMatchObject({ altText: null, version: before.version });
  });

  describe("Groq's reasoning models and retired models, through the pipeline", () => {
    const RETIRED = 'meta-llama/llama-4-scout-17b-16e-instruct';

    it('a reasoning answer with a think block becomes clean alt text; its reasoning tokens are in the history', async () => {
      process.env.VISION_REASONING = 'omit';
      resetConfig();
      fake().script({ kind: 'reasoning', content: 'Navy canvas backpack with tan leather straps, standing on a white background.', thinking: 'A navy backpack, front view.', reasoningTokens: 287 });
      const asset = await storedAsset(database().db, files().storage, await productJpeg(), { title: 'Navy canvas backpack', tags: ['backpack'] });
      await runAssetJobs(database().db, asset.id);
      expect(await reload(asset.id)).toMatchObject({ state: 'embedded', altSource: 'ai', altText: 'Navy canvas backpack with tan leather straps, standing on a white background.' });
      const [row] = await history(asset.id);
      expect(row).toMatchObject({ event: 'generated', outcome: 'written', reasoningTokens: 287, text: expect.not.stringContaining('think') });
      expect(row.outputTokens).toBeGreaterThan(287);
    });

    it('an answer cut off at the token limit is not written: the asset says truncated and the history keeps the tokens', async () => {
      fake().script({ kind: 'length', content: 'Navy canvas backpack with', reasoningTokens: 1010 });
      const asset = await storedAsset(database().db, files().storage, await productJpeg(810, 1000));
      await runAssetJobs(database().db, asset.id);
      expect(await reload(asset.id)).toMatchObject({ state: 'embedded', altText: null, altLastError: expect.stringMatching(/^truncated: the answer was cut off at the 1024-token limit/) });
      expect((await history(asset.id))[0]).toMatchObject({ event: 'failed', outcome: 'truncated', outputTokens: 1024, reasoningTokens: 1010 });
      expect(fake().requests).toHaveLength(1);
    });

    it.each([
      [RETIRED, /^model_unavailable: groq has retired VISION_MODEL=meta-llama\/llama-4-scout-17b-16e-instruct \(400 model_decommissioned: /],
      ['qwen/qwen3.7-27b', /^model_unavailable: groq does not offer VISION_MODEL=qwen\/qwen3\.7-27b \(404 model_not_found: /],
    ])('VISION_MODEL=%s: the asset names VISION_MODEL and what to set, the provider is blocked, the next asset makes no call', async (model, message) => {
      process.env.VISION_MODEL = model;
      resetConfig();
      const first = await storedAsset(database().db, files().storage, await productJpeg(820, 1000));
      await runAssetJobs(database().db, first.id);
      const failed = await reload(first.id);
      expect(failed).toMatchObject({ state: 'embedded', altText: null, altLastError: expect.stringMatching(message) });
      expect(failed.altLastError).toContain('Set VISION_MODEL to one of: qwen/qwen3.8-27b, qwen/qwen3.6-27b.');
      const [state] = await database().db.select().from(providerState).where(eq(providerState.provider, 'groq'));
      expect(state.reason).toMatch(/^model_unavailable: /);
      expect(state.blockedUntil!.getTime()).toBeGreaterThan(Date.now() + 60 * 60 * 1000);

      const second = await storedAsset(database().db, files().storage, await productJpeg(821, 1000));
      await runAssetJobs(database().db, second.id);
      expect(fake().requests.filter((request) => request.path.endsWith('/chat/completions'))).toHaveLength(1);
      const skipped = await reload(second.id);
      expect(skipped.altLastError).toMatch(message);
      expect(skipped.altLastError).toMatch(/No call made\.$/);
      expect(skipped.altNextAttemptAt!.getTime()).toBeGreaterThanOrEqual(state.blockedUntil!.getTime() - 1000);
    });

    it('a refused key (401) blocks the provider with a message naming GROQ_API_KEY', async () => {
      process.env.GROQ_API_KEY = 'gsk_revoked';
      resetConfig();
      const asset = await storedAsset(database().db, files().storage, await productJpeg(830, 1000));
      await runAssetJobs(database().db, asset.id);
      expect(await reload(asset.id)).toMatchObject({ altText: null, altLastError: expect.stringMatching(/^invalid_key: groq refused GROQ_API_KEY \(401: Invalid API Key\)/) });
      const [state] = await database().db.select().from(providerState).where(eq(providerState.provider, 'groq'));
      expect(state.reason).toMatch(/^invalid_key: /);
    });
  });
});
