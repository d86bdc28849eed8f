import { asc, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { GET as altRoute } from '@/app/api/assets/[id]/alt/route';
import { POST as regenerateRoute } from '@/app/api/assets/[id]/alt/regenerate/route';
import { PATCH as patchRoute } from '@/app/api/assets/[id]/route';
import { altHistory, assetEmbeddings, assets, type Asset } from '@/db/schema';
import { resetConfig } from '@/lib/config';
import { call, makeAccount, type TestAccount } from '@/test/auth';
import { useTemporaryLocalStorage } from '@/test/ingest';
import { jobsOf, JOB_PRIORITY, runAssetJobs } from '@/lib/jobs';
import { moveToTrash } from '@/lib/library';
import { useTestDatabase } from '@/test/db';
import { standInModelAvailable, useStandInEmbeddingModel } from '@/test/stand-in-embedding-model';
import { productJpeg, storedAsset, useFakeGroq } from '@/test/alt';

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

  it('regenerate replaces AI text, but never a person\'s', async () => {
    const asset = await describedAsset();
    fake().script({ kind: 'text', content: 'Close-up of a red wool coat collar with a gold button.' });
    const [embeddedBefore] = await database().db.select().from(assetEmbeddings).where(eq(assetEmbeddings.assetId, asset.id));
    const regenerated = await call(regenerateRoute, { method: 'POST', bearer: editor.token, params: { id: asset.id } });
    expect(regenerated.status).toBe(200);
    expect(await reload(asset.id)).toMatchObject({ altText: 'Close-up of a red wool coat collar with a gold button.', altSource: 'ai', version: asset.version + 1 });
    await runAssetJobs(database().db, asset.id);
    const [embeddedAfter] = await database().db.select().from(assetEmbeddings).where(eq(assetEmbeddings.assetId, asset.id));
    expect(embeddedAfter.inputHash).not.toBe(embeddedBefore.inputHash);

    const current = await reload(asset.id);
    await patch(asset.id, { altText: 'Red coat collar, written by a person.', version: current.version });
    const refused = await call(regenerateRoute, { method: 'POST', bearer: editor.token, params: { id: asset.id } });
    expect(refused.status).toBe(409);
    expect((await reload(asset.id)).altText).toBe('Red coat collar, written by a person.');
  });

  it('regenerating a photo in the trash is 404, like every other route, and the model is never called', async () => {
    const asset = await describedAsset();
    await moveToTrash(database().db, [asset.id], 'Test editor');
    fake().reset();
    const refused = await call(regenerateRoute, { method: 'POST', bearer: editor.token, params: { id: asset.id } });
    expect(refused.status).toBe(404);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('not_found');
    expect(fake().requests).toHaveLength(0);
    expect((await reload(asset.id)).altText).toBe(asset.altText);
  });

  it('regenerate reports a rate limit as 429 with retry-after, and a gate rejection as written: false', async () => {
    const asset = await describedAsset();
    fake().script({ kind: 'rate_limit', wait: '2m57.984s' });
    const limited = await call(regenerateRoute, { method: 'POST', bearer: editor.token, params: { id: asset.id } });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('178');

    fake().reset();
    const { clearProviderBlock } = await import('./provider-state');
    await clearProviderBlock(database().db, 'groq');
    fake().script({ kind: 'text', content: 'I cannot provide a description of this image.' });
    const rejected = await call(regenerateRoute, { method: 'POST', bearer: editor.token, params: { id: asset.id } });
    expect(rejected.status).toBe(200);
    expect(await rejected.json()).toMatchObject({ written: false, reason: 'The model declined to describe the image.' });
    expect((await reload(asset.id)).altText).toBe(asset.altText);
  });

  it('regenerate with a retired VISION_MODEL is 503 saying what to set, not "try again later"', async () => {
    const asset = await describedAsset();
    process.env.VISION_MODEL = 'meta-llama/llama-4-scout-17b-16e-instruct';
    resetConfig();
    const refused = await call(regenerateRoute, { method: 'POST', bearer: editor.token, params: { id: asset.id } });
    expect(refused.status).toBe(503);
    const { error } = (await refused.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('unavailable');
    expect(error.message).toMatch(/^groq has retired VISION_MODEL=meta-llama\/llama-4-scout-17b-16e-instruct .* Set VISION_MODEL to one of: qwen\/qwen3\.8-27b/);
    expect(error.message).not.toContain('Try again later');
    expect((await reload(asset.id)).altText).toBe(asset.altText);
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
