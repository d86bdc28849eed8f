import { asc, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { GET as altRoute } from '@/app/api/assets/[id]/alt/route';
import { POST as regenerateRoute } from '@/app/api/assets/[id]/alt/regenerate/route';
import { PATCH as patchRoute } from '@/app/api/assets/[id]/route';
import { altHistory, assetEmbeddings, assets, type Asset } from '@/db/schema';
import { resetConfig } from '@/lib/config';
import { call, makeAccount, type TestAccount } from '@/test/auth';
import { useTemporaryLocalStorage } from '@/test/ingest';
import { pendingAfterTasks, runAfterTasks } from '@/lib/ingest';
import { jobsOf, JOB_PRIORITY, runAssetJobs, runDueJobs } from '@/lib/jobs';
import { moveToTrash } from '@/lib/library';
import { useTestDatabase } from '@/test/db';
import { standInModelAvailable, useStandInEmbeddingModel } from '@/test/stand-in-embedding-model';
import { productJpeg, storedAsset, useFakeGroq } from '@/test/alt';

vi.mock('next/server', async (original) => ({ ...(await original<object>()), after: (await import('@/lib/ingest/after-capture')).captureAfter }));

/** People's edits through the real routes, racing the real pipeline against the fake Groq API. */
describe.skipIf(!standInModelAvailable())('human alt text always wins', () => {
  const database = useTestDatabase();
  const files = useTemporaryLocalStorage();
  // The first test holds the model's answer while a person edits: a loaded machine must not time the call out first.
  const fake = useFakeGroq(() => database().db, { VISION_TIMEOUT_MS: '20000' });
  let editor: TestAccount;
  let viewer: TestAccount;
  let seed = 0;

  beforeAll(async () => {
    useStandInEmbeddingModel();
    editor = await makeAccount(database().db, 'editor');
    viewer = await makeAccount(database().db, 'viewer');
  });

  const reload = async (id: string): Promise<Asset> => (await database().db.select().from(assets).where(eq(assets.id, id)))[0];
  const history = (id: string) => database().db.select().from(altHistory).where(eq(altHistory.assetId, id)).orderBy(asc(altHistory.createdAt));
  // As the asset page does: a signed-in person's session cookie, from this site's origin.
  const patch = (id: string, body: unknown, account = editor) => call(patchRoute, { method: 'PATCH', cookie: account.cookie, params: { id }, body });
  const newAsset = async () => storedAsset(database().db, files().storage, await productJpeg(800 + seed++, 1000), { title: 'Red wool coat', tags: ['coat'] });
  const describedAsset = async () => {
    const asset = await newAsset();
    await runAssetJobs(database().db, asset.id);
    return reload(asset.id);
  };

  it('a human edit landing while the model is working survives the generation', async () => {
    let release = () => {};
    fake().script({ kind: 'held', until: new Promise<void>((resolve) => (release = resolve)), then: { kind: 'text', content: 'Red wool coat with horn buttons on a dress form in a bright studio.' } });
    const asset = await newAsset();
    const pipeline = runAssetJobs(database().db, asset.id);
    await fake().waitForRequests(1);

    // The model has the image; now a person writes the alt text from the version they loaded.
    const before = await reload(asset.id);
    const edited = await patch(asset.id, { altText: 'Model in a long red wool coat walking past a shop window.', version: before.version });
    expect(edited.status).toBe(200);
    release();
    expect((await pipeline).kind).toBe('finished');

    const after = await reload(asset.id);
    expect(after).toMatchObject({ altText: 'Model in a long red wool coat walking past a shop window.', altSource: 'human', altStatus: 'approved', altAuthor: 'Test editor', state: 'embedded' });
    const events = (await history(asset.id)).map((row) => [row.event, row.outcome, row.text]);
    expect(events).toEqual([
      ['human_edit', 'written', 'Model in a long red wool coat walking past a shop window.'],
      ['generated', 'not_written', 'Red wool coat with horn buttons on a dress form in a bright studio.'],
    ]);
  });

  it('an edit from a stale version is 409 version_conflict with the current text, and nothing is lost', async () => {
    const asset = await newAsset();
    const loaded = await reload(asset.id);
    await runAssetJobs(database().db, asset.id);
    const aiText = (await reload(asset.id)).altText;
    expect(aiText).toMatch(/^Red wool coat photographed/);

    const stale = await patch(asset.id, { altText: 'My text from before the model wrote.', version: loaded.version });
    expect(stale.status).toBe(409);
    const body = (await stale.json()) as { error: { code: string; message: string; details: { version: number; alt: { text: string; source: string } } } };
    expect(body.error.code).toBe('version_conflict');
    expect(body.error.details.alt).toMatchObject({ text: aiText, source: 'ai' });
    expect(body.error.message).toContain(aiText!);
    expect((await reload(asset.id)).altText).toBe(aiText);

    const retried = await patch(asset.id, { altText: 'My text from before the model wrote.', version: body.error.details.version });
    expect(retried.status).toBe(200);
    expect(((await retried.json()) as { alt: { text: string; source: string } }).alt).toMatchObject({ text: 'My text from before the model wrote.', source: 'human' });
  });

  const regenerate = (id: string) => call(regenerateRoute, { method: 'POST', bearer: editor.token, params: { id } });

  it('regenerate answers 202 with a describe job at interactive priority; the job, not the request, calls the model and replaces AI text', async () => {
    const asset = await describedAsset();
    fake().reset();
    fake().script({ kind: 'text', content: 'Close-up of a red wool coat collar with a gold button.' });
    const [embeddedBefore] = await database().db.select().from(assetEmbeddings).where(eq(assetEmbeddings.assetId, asset.id));
    const regenerated = await regenerate(asset.id);
    expect(regenerated.status).toBe(202);
    const body = (await regenerated.json()) as { job: { kind: string; status: string; priority: number }; asset: { id: string; alt: { text: string } } };
    expect(body.job).toMatchObject({ kind: 'describe', status: 'pending', priority: JOB_PRIORITY.interactive });
    expect(body.asset).toMatchObject({ id: asset.id, alt: { text: asset.altText } });
    // Answered without a model call: the text is still the old one.
    expect(fake().requests).toHaveLength(0);
    expect((await reload(asset.id)).altText).toBe(asset.altText);
    const describing = async () => ((await (await call(altRoute, { bearer: viewer.token, params: { id: asset.id } })).json()) as { describing: boolean }).describing;
    expect(await describing()).toBe(true);

    // Right after the response, the job runs (after()): the model is called once, the text replaced, the asset re-embedded.
    await runAfterTasks();
    expect(fake().requests).toHaveLength(1);
    expect(await reload(asset.id)).toMatchObject({ altText: 'Close-up of a red wool coat collar with a gold button.', altSource: 'ai', version: asset.version + 1, state: 'embedded' });
    const [embeddedAfter] = await database().db.select().from(assetEmbeddings).where(eq(assetEmbeddings.assetId, asset.id));
    expect(embeddedAfter.inputHash).not.toBe(embeddedBefore.inputHash);
    expect(await describing()).toBe(false);

    const current = await reload(asset.id);
    await patch(asset.id, { altText: 'Red coat collar, written by a person.', version: current.version });
    const refused = await regenerate(asset.id);
    expect(refused.status).toBe(409);
    expect(pendingAfterTasks()).toBe(0);
    expect((await reload(asset.id)).altText).toBe('Red coat collar, written by a person.');
  });

  it('regenerating a photo in the trash is 404, like every other route, and the model is never called', async () => {
    const asset = await describedAsset();
    await moveToTrash(database().db, [asset.id], 'Test editor');
    fake().reset();
    const refused = await regenerate(asset.id);
    expect(refused.status).toBe(404);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('not_found');
    await runAfterTasks();
    await runDueJobs(database().db, { concurrency: 1 });
    expect(fake().requests).toHaveLength(0);
    expect((await reload(asset.id)).altText).toBe(asset.altText);
  });

  it('a rate limit during the job leaves the text as it was and the asset retrying at the provider\'s time; a gate rejection is kept in the history', async () => {
    const asset = await describedAsset();
    fake().script({ kind: 'rate_limit', wait: '2m57.984s' });
    expect((await regenerate(asset.id)).status).toBe(202);
    const asked = Date.now();
    await runAfterTasks();
    const limited = await reload(asset.id);
    expect(limited.altText).toBe(asset.altText);
    expect(limited.altLastError).toMatch(/^rate_limited/);
    expect(limited.altNextAttemptAt!.getTime()).toBeGreaterThanOrEqual(asked + 177_000);

    fake().reset();
    const { clearProviderBlock } = await import('./provider-state');
    await clearProviderBlock(database().db, 'groq');
    fake().script({ kind: 'text', content: 'I cannot provide a description of this image.' });
    expect((await regenerate(asset.id)).status).toBe(202);
    await runAfterTasks();
    expect((await reload(asset.id)).altText).toBe(asset.altText);
    expect((await history(asset.id)).at(-1)).toMatchObject({ event: 'gate_rejected', text: 'I cannot provide a description of this image.' });
  });

  it('regenerate with no vision provider configured is 503 saying what to set, and queues nothing', async () => {
    const asset = await describedAsset();
    const saved = { VISION_PROVIDER: process.env.VISION_PROVIDER, GROQ_API_KEY: process.env.GROQ_API_KEY };
    delete process.env.VISION_PROVIDER;
    delete process.env.GROQ_API_KEY;
    resetConfig();
    try {
      const refused = await regenerate(asset.id);
      expect(refused.status).toBe(503);
      const { error } = (await refused.json()) as { error: { code: string; message: string } };
      expect(error).toMatchObject({ code: 'unavailable', message: expect.stringMatching(/set GROQ_API_KEY/) });
      expect(pendingAfterTasks()).toBe(0);
      expect((await jobsOf(database().db, asset.id)).find((job) => job.kind === 'describe')?.status).toBe('done');
    } finally {
      Object.assign(process.env, saved);
      resetConfig();
    }
  });

  it('decorative: a person marks it, the text becomes "" with source human, and the pipeline leaves it alone', async () => {
    const asset = await newAsset();
    const marked = await patch(asset.id, { decorative: true, version: asset.version });
    expect(marked.status).toBe(200);
    await runAssetJobs(database().db, asset.id);
    expect(await reload(asset.id)).toMatchObject({ decorative: true, altText: '', altStatus: 'decorative', altSource: 'human' });
    expect(fake().requests).toHaveLength(0);

    const unmarked = await patch(asset.id, { decorative: false, version: (await reload(asset.id)).version });
    expect(unmarked.status).toBe(200);
    expect(await reload(asset.id)).toMatchObject({ decorative: false, altText: null, altSource: null, altStatus: 'none' });
  });

  it('a tag edit re-embeds the asset, through an embed job queued ahead of background work', async () => {
    const asset = await describedAsset();
    const [before] = await database().db.select().from(assetEmbeddings).where(eq(assetEmbeddings.assetId, asset.id));
    const edited = await patch(asset.id, { tags: ['coat', 'outerwear', 'winter'], version: asset.version });
    expect(edited.status).toBe(200);
    const queued = (await jobsOf(database().db, asset.id)).filter((job) => job.kind === 'embed');
    expect(queued.map((job) => [job.status, job.priority])).toEqual([['pending', JOB_PRIORITY.interactive]]);
    // What the sweeper does next.
    await runAssetJobs(database().db, asset.id);
    const [after] = await database().db.select().from(assetEmbeddings).where(eq(assetEmbeddings.assetId, asset.id));
    expect(after.inputHash).not.toBe(before.inputHash);
    expect((await reload(asset.id)).tags).toEqual(['coat', 'outerwear', 'winter']);
  });

  it('viewers cannot edit; bad bodies are 422; unknown assets 404', async () => {
    const asset = await newAsset();
    expect((await patch(asset.id, { altText: 'A viewer tries to write alt text.', version: asset.version }, viewer)).status).toBe(403);
    expect((await patch(asset.id, { version: asset.version })).status).toBe(422);
    expect((await patch(asset.id, { altText: 'x', decorative: true, version: asset.version })).status).toBe(422);
    expect((await patch('00000000-0000-4000-8000-000000000000', { altText: 'Nobody home at this asset id.', version: 1 })).status).toBe(404);
  });

  it('GET …/alt shows the provenance, the history with the editor\'s name, and the provider', async () => {
    const asset = await describedAsset();
    await patch(asset.id, { altText: 'Red wool coat on a dress form, edited by a person.', version: asset.version });
    const response = await call(altRoute, { bearer: viewer.token, params: { id: asset.id } });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { alt: { source: string }; history: Array<{ event: string; user: string | null }>; provider: { configured: boolean; name: string } };
    expect(body.alt.source).toBe('human');
    expect(body.history.map((entry) => [entry.event, entry.user])).toEqual([
      ['human_edit', 'Test editor'],
      ['generated', null],
    ]);
    expect(body.provider).toEqual({ configured: true, name: 'groq', model: 'qwen/qwen3.8-27b' });
  });
});
