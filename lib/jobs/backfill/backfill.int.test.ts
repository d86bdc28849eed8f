import { eq, inArray, sql } from 'drizzle-orm';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assetEmbeddings, assets, backfillRuns, embeddingModels, jobs, type Asset } from '@/db/schema';
import { resetConfig } from '@/lib/config';
import { PROMPT_VERSION } from '@/lib/alt';
import { productJpeg, storedAsset, useFakeGroq } from '@/test/alt';
import { useTestDatabase } from '@/test/db';
import { useTemporaryLocalStorage } from '@/test/ingest';
import { standInModelAvailable, useStandInEmbeddingModel } from '@/test/stand-in-embedding-model';
import { runAssetJobs } from '../run';
import { describeDryRun, dryRun, runBackfill, selectionFromStrings, type BackfillSelection } from '.';

/**
 * The backfill against the real pipeline and the fake Groq API: what it selects (and never touches), the
 * dry run, regeneration, the budget, one run at a time, and providers that hang, answer garbage or 429.
 */
describe.skipIf(!standInModelAvailable())('backfill', () => {
  const database = useTestDatabase();
  const files = useTemporaryLocalStorage();
  const fake = useFakeGroq(() => database().db, { VISION_TIMEOUT_MS: '1000' });
  const db = () => database().db;
  const all: BackfillSelection = { regenerate: false };

  beforeAll(() => useStandInEmbeddingModel());
  beforeEach(async () => {
    await db().delete(assets);
    await db().delete(backfillRuns);
    delete process.env.BACKFILL_MAX_IMAGES_PER_DAY;
    resetConfig();
  });

  const reload = async (id: string) => (await db().select().from(assets).where(eq(assets.id, id)))[0];

  /** A processed asset whose alt text is then set as given (missing: as a library imported before Loupe wrote any). */
  async function processed(alt: Partial<Asset>, fields: Parameters<typeof storedAsset>[3] = {}): Promise<Asset> {
    const asset = await storedAsset(db(), files().storage, await productJpeg(), { title: 'Navy wool coat', tags: ['coat'], ...fields });
    expect((await runAssetJobs(database().db, asset.id)).kind).toBe('finished');
    const missing = { altText: null, altSource: null, altStatus: 'none', altAuthor: null, altModel: null, altPromptVersion: null, altLastError: null, altNextAttemptAt: null } as const;
    await db().update(assets).set({ ...missing, ...alt }).where(eq(assets.id, asset.id));
    return reload(asset.id);
  }

  async function library() {
    return {
      missing: await processed({}),
      failedDue: await processed({ altLastError: 'timeout: no answer', altNextAttemptAt: new Date(Date.now() - 1000) }),
      failedLater: await processed({ altLastError: 'timeout: no answer', altNextAttemptAt: new Date(Date.now() + 3_600_000) }),
      human: await processed({ altText: 'Written by a person.', altSource: 'human', altStatus: 'approved' }),
      approvedAi: await processed({ altText: 'An approved coat.', altSource: 'ai', altStatus: 'approved', altPromptVersion: 'alt-v0', altModel: 'old-model' }),
      proposedOld: await processed({ altText: 'An old proposal.', altSource: 'ai', altStatus: 'proposed', altPromptVersion: 'alt-v0', altModel: 'old-model' }),
      decorative: await processed({ altText: '', altStatus: 'decorative' }, { decorative: true }),
    };
  }

  it('dry run: counts by reason, tokens, cost and time, without a model call or a write', async () => {
    const lib = await library();
    process.env.VISION_RPM = '30';
    resetConfig();
    const calls = fake().requests.length;
    const plan = await dryRun(db(), all);
    expect(plan.counts).toMatchObject({ missing: 1, failed_due: 1, regenerate: 0 });
    expect(plan.images).toBe(2);
    expect(plan.inputTokens).toBeGreaterThan(0);
    expect(plan.minutes).toBeCloseTo(2 / 30);
    expect(describeDryRun(plan).join('\n')).toMatch(/Would describe 2 assets: 1 missing alt text, 1 retrying and due again, 0 to regenerate/);
    expect(fake().requests.length).toBe(calls);
    expect(await db().select().from(jobs).where(sql`${jobs.priority} > 0 and ${jobs.status} = 'pending'`)).toEqual([]);
    expect((await reload(lib.missing.id)).altText).toBeNull();
    delete process.env.VISION_RPM;
    resetConfig();
  });

  it('writes alt text for missing and failed-and-due assets only, records the run, and never touches a person\'s, approved or decorative text', async () => {
    const lib = await library();
    const result = await runBackfill(db(), { trigger: 'cli', selection: all });
    expect(result.kind).toBe('ran');
    if (result.kind !== 'ran') return;
    expect(result.selected).toMatchObject({ missing: 1, failed_due: 1, regenerate: 0 });
    expect(result.run).toMatchObject({ trigger: 'cli', selected: 2, written: 2, failed: {}, stopReason: 'done' });
    expect(result.run.inputTokens).toBeGreaterThan(0);
    expect(result.run.costUsd).toBeGreaterThan(0);
    for (const asset of [lib.missing, lib.failedDue]) expect(await reload(asset.id)).toMatchObject({ altSource: 'ai', altStatus: 'proposed', state: 'embedded' });
    expect(await reload(lib.failedLater.id)).toMatchObject({ altSource: null, altText: null });
    expect(await reload(lib.human.id)).toMatchObject({ altText: 'Written by a person.', altSource: 'human' });
    expect(await reload(lib.approvedAi.id)).toMatchObject({ altText: 'An approved coat.' });
    expect(await reload(lib.proposedOld.id)).toMatchObject({ altText: 'An old proposal.' });
    expect(await reload(lib.decorative.id)).toMatchObject({ altText: '', altStatus: 'decorative' });
  });

  it('--regenerate --prompt-version-below redoes only unapproved AI text from an older prompt', async () => {
    const lib = await library();
    const parsed = selectionFromStrings({ regenerate: '', promptVersionBelow: 'alt-v1', limit: '10' });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const result = await runBackfill(db(), { trigger: 'cli', selection: parsed.selection });
    expect(result.kind === 'ran' && result.selected).toMatchObject({ missing: 1, failed_due: 1, regenerate: 1 });
    const regenerated = await reload(lib.proposedOld.id);
    expect(regenerated.altText).not.toBe('An old proposal.');
    expect(regenerated).toMatchObject({ altSource: 'ai', altStatus: 'proposed', altPromptVersion: PROMPT_VERSION });
    expect(await reload(lib.approvedAi.id)).toMatchObject({ altText: 'An approved coat.', altPromptVersion: 'alt-v0' });
    expect(await reload(lib.human.id)).toMatchObject({ altText: 'Written by a person.' });
  });

  it('photos uploaded while no provider was configured (describe parked) count as missing, and a run takes them', async () => {
    const parked = await processed({ altLastError: 'no vision provider configured' });
    await db().update(jobs).set({ status: 'waiting', nextAttemptAt: null }).where(sql`${jobs.assetId} = ${parked.id} and ${jobs.kind} = 'describe'`);
    expect((await dryRun(db(), all)).counts.missing).toBe(1);
    const result = await runBackfill(db(), { trigger: 'cli', selection: all });
    expect(result.kind === 'ran' && result.run.written).toBe(1);
    expect(await reload(parked.id)).toMatchObject({ altSource: 'ai', altStatus: 'proposed' });
  });

  it('vectors missing for the configured model count before the model has registered', async () => {
    const asset = await processed({ altText: 'A coat.', altSource: 'human', altStatus: 'approved' });
    expect((await dryRun(db(), all)).counts.embedding).toBe(0);
    await db().delete(assetEmbeddings);
    await db().delete(embeddingModels);
    expect((await dryRun(db(), all)).counts.embedding).toBe(1);
    expect(asset.id).toBeTruthy();
  });

  it('filters by tag, upload date and limit', async () => {
    await processed({}, { tags: ['shoe'] });
    await processed({}, { tags: ['coat'] });
    await processed({}, { tags: ['coat'] });
    expect((await dryRun(db(), { regenerate: false, tag: 'shoe' })).counts.missing).toBe(1);
    expect((await dryRun(db(), { regenerate: false, tag: 'coat', limit: 1 })).counts.missing).toBe(1);
    expect((await dryRun(db(), { regenerate: false, since: new Date(Date.now() + 86_400_000) })).counts.missing).toBe(0);
  });

  it('stops at the daily image cap and says so; the next run that day selects nothing', async () => {
    await processed({});
    await processed({});
    await processed({});
    process.env.BACKFILL_MAX_IMAGES_PER_DAY = '2';
    resetConfig();
    const first = await runBackfill(db(), { trigger: 'cron', selection: all });
    expect(first.kind === 'ran' && first.run).toMatchObject({ selected: 2, written: 2, stopReason: 'budget_images' });
    const second = await runBackfill(db(), { trigger: 'cron', selection: all });
    expect(second.kind === 'ran' && second.run).toMatchObject({ selected: 0, written: 0, stopReason: 'budget_images' });
  });

  it('a second run while one is running finds it taken and returns at once, doing nothing', async () => {
    await processed({});
    // The model call is held until the second run has answered, so the first run is still open however slow the machine.
    // Processing the photo above already called the fake: wait for the first run's own call, not any call.
    const before = fake().requests.length;
    let release = () => {};
    fake().script({ kind: 'held', until: new Promise<void>((resolve) => (release = resolve)), then: { kind: 'describe' } });
    const first = runBackfill(db(), { trigger: 'cron', selection: all });
    await fake().waitForRequests(before + 1);
    const second = await runBackfill(db(), { trigger: 'cron', selection: all });
    release();
    expect(second.kind).toBe('busy');
    expect(fake().requests.length).toBe(before + 1);
    expect((await first).kind).toBe('ran');
  });

  it('a provider that hangs, answers garbage or 429s: each is recorded, the asset keeps its place for a later run, nothing else is lost', async () => {
    const hung = await processed({});
    fake().script({ kind: 'hang' });
    const timedOut = await runBackfill(db(), { trigger: 'cli', selection: all });
    expect(timedOut.kind === 'ran' && timedOut.run.failed).toEqual({ 'describe:timeout': 1 });
    expect(await reload(hung.id)).toMatchObject({ altText: null, altSource: null });
    expect((await reload(hung.id)).altLastError).toMatch(/^timeout/);

    await db().update(assets).set({ altNextAttemptAt: new Date(Date.now() - 1000) }).where(eq(assets.id, hung.id));
    fake().script({ kind: 'malformed' }, { kind: 'malformed' }, { kind: 'malformed' });
    const garbage = await runBackfill(db(), { trigger: 'cli', selection: all });
    expect(garbage.kind === 'ran' && garbage.run.failed).toEqual({ 'describe:server_error': 1 });

    await db().update(assets).set({ altNextAttemptAt: new Date(Date.now() - 1000) }).where(eq(assets.id, hung.id));
    fake().script({ kind: 'rate_limit', wait: '5m29.8752s', limit: 'tokens', window: 'day' });
    const limited = await runBackfill(db(), { trigger: 'cli', selection: all });
    expect(limited.kind === 'ran' && limited.run).toMatchObject({ stopReason: 'provider_blocked', failed: { 'describe:quota_exhausted': 1 } });
    expect((await reload(hung.id)).altText).toBeNull();
    const queued = await db().select().from(jobs).where(inArray(jobs.assetId, [hung.id]));
    expect(queued.find((job) => job.kind === 'describe')?.status).toBe('waiting');
  });
});

describe('backfill options', () => {
  it.each([
    [{ bogus: '1' }, /unknown option: bogus/],
    [{ limit: 'ten' }, /limit: a whole number/],
    [{ limit: '0' }, /limit/],
    [{ since: 'yesterday' }, /since/],
    [{ promptVersionBelow: 'v2' }, /prompt version such as alt-v2/],
    [{ model: 'x' }, /add --regenerate/],
    [{ regenerate: '' }, /--regenerate needs --prompt-version-below/],
    [{ regenerate: 'maybe' }, /regenerate/],
    [{ mode: 'fast' }, /mode: online \(paced calls now\) or batch/],
  ])('refuses %j with a message that says what is wrong', (input, message) => {
    const parsed = selectionFromStrings(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(message);
  });

  it('accepts flags, dates and versions', () => {
    const parsed = selectionFromStrings({ regenerate: 'true', promptVersionBelow: '3', model: 'm', tag: 'coat', since: '2026-01-01', limit: '5', dryRun: '' });
    expect(parsed).toEqual({
      ok: true,
      dryRun: true,
      selection: { regenerate: true, promptVersionBelow: 3, model: 'm', tag: 'coat', since: new Date('2026-01-01'), limit: 5 },
    });
  });
});
