import { readFile } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { assets, jobs } from '@/db/schema';
import type { AssetView } from '@/lib/assets';
import { resetConfig } from '@/lib/config';
import { runAfterTasks } from '@/lib/ingest';
import { backfillEmbeddings, JOB_PRIORITY, runAssetJobs } from '@/lib/jobs';
import { storedAsset, productJpeg, useFakeGroq } from '@/test/alt';
import { call, makeAccount, type TestAccount } from '@/test/auth';
import { useTestDatabase } from '@/test/db';
import { fixturePath, fixturesAvailable } from '@/test/fixtures';
import { uploadThroughApi, useTemporaryLocalStorage } from '@/test/ingest';
import { STAND_IN_MODEL_DIR, standInModelAvailable, useStandInEmbeddingModel } from '@/test/stand-in-embedding-model';
import { GET as missingCsvRoute } from '@/app/api/alt/coverage/missing/route';
import { GET as altRoute } from '../alt/route';
import { GET as assetRoute } from '../route';
import { GET as listRoute } from '../../route';
import { POST as retryRoute } from './route';

vi.mock('next/server', async (original) => ({ ...(await original<object>()), after: (await import('@/lib/ingest/after-capture')).captureAfter }));

/**
 * POST /api/assets/:id/retry against the real pipeline: a truncated photo (derive), an unreachable embedding
 * model (embed), a vision provider answering 500 (describe); each shows as failed in words for people, is
 * found under the library's Failed filter, and is queued again by Retry.
 */
describe.skipIf(!fixturesAvailable() || !standInModelAvailable())('retrying failed steps', () => {
  const database = useTestDatabase();
  const files = useTemporaryLocalStorage();
  const fake = useFakeGroq(() => database().db);
  let editor: TestAccount;
  let viewer: TestAccount;
  let admin: TestAccount;

  beforeAll(async () => {
    useStandInEmbeddingModel();
    editor = await makeAccount(database().db, 'editor');
    viewer = await makeAccount(database().db, 'viewer');
    admin = await makeAccount(database().db, 'admin');
  });

  const retry = (id: string, account: TestAccount | null = editor) =>
    call(retryRoute, { method: 'POST', params: { id }, ...(account ? { cookie: account.cookie } : {}) });
  const view = async (id: string, account: TestAccount = editor) => (await (await call(assetRoute, { params: { id }, cookie: account.cookie })).json()) as AssetView;
  const failedIds = async () => {
    const response = await call(listRoute, { path: '/api/assets?state=failed&limit=100', cookie: viewer.cookie });
    expect(response.status).toBe(200);
    return ((await response.json()) as { items: AssetView[] }).items.map((asset) => asset.id);
  };
  const jobOf = async (id: string, kind: 'derive' | 'describe' | 'embed') => (await database().db.select().from(jobs).where(eq(jobs.assetId, id))).find((job) => job.kind === kind);

  it('a truncated photo ends failed_derive, reads "damaged or truncated" (raw detail for admins only), is under Failed, and Retry queues derive again', async () => {
    const bytes = await readFile(fixturePath('images', 'broken', 'truncated_50pct.jpg'));
    const { assetId, complete } = await uploadThroughApi(editor, bytes, { filename: 'truncated.jpg' });
    expect(complete.status).toBe(202);
    await runAfterTasks();

    const seen = await view(assetId);
    expect(seen).toMatchObject({ state: 'failed_derive', failed: true, error: { code: 'corrupt_image' } });
    expect(seen.error?.message).toMatch(/^The file is damaged or truncated/);
    expect(seen.error).not.toHaveProperty('detail');
    expect((await view(assetId, admin)).error?.detail).toMatch(/cannot be decoded/);
    expect(await failedIds()).toContain(assetId);

    const answer = await retry(assetId);
    expect(answer.status).toBe(202);
    expect(await answer.json()).toMatchObject({ retried: ['derive'] });
    expect(await jobOf(assetId, 'derive')).toMatchObject({ status: 'pending', priority: JOB_PRIORITY.interactive, attempts: 0, lastErrorCode: null });
    await runAfterTasks();
    // The bytes are still truncated: it fails again, with the same reason.
    expect(await view(assetId)).toMatchObject({ state: 'failed_derive', failed: true, error: { code: 'corrupt_image' } });
  });

  it('a derive that failed because the original was missing succeeds on Retry once it is back', async () => {
    const bytes = await productJpeg();
    const asset = await storedAsset(database().db, files().storage, bytes, { filename: 'came-back.jpg' });
    await files().storage.delete(asset.originalKey);
    await runAssetJobs(database().db, asset.id);
    expect(await view(asset.id)).toMatchObject({ state: 'failed_derive', error: { code: 'upload_missing' } });

    await files().storage.put(asset.originalKey, bytes, { contentType: 'image/jpeg' });
    const answer = await retry(asset.id);
    expect(await answer.json()).toMatchObject({ retried: ['derive'] });
    await runAfterTasks();
    const after = await view(asset.id);
    expect(after).toMatchObject({ state: 'embedded', failed: false, error: null });
    expect(after.derivatives.grid).not.toBeNull();
    expect(await failedIds()).not.toContain(asset.id);
  });

  it('an unreachable embedding model does not fail the photo: it stays Ready, off the Failed filter, with nothing to Retry', async () => {
    const asset = await storedAsset(database().db, files().storage, await productJpeg(900, 1200, { r: 120, g: 30, b: 30 }), { filename: 'red-coat.jpg' });
    process.env.EMBEDDING_MODEL_DIR = '/nonexistent/wordnet-static-256';
    resetConfig();
    try {
      await runAssetJobs(database().db, asset.id);
      expect(await view(asset.id)).toMatchObject({ state: 'embedded', failed: false, error: null });
      expect(await failedIds()).not.toContain(asset.id);
      const answer = await retry(asset.id);
      expect(answer.status).toBe(409);
      expect(await jobOf(asset.id, 'embed')).toMatchObject({ status: 'waiting', nextAttemptAt: null });
    } finally {
      process.env.EMBEDDING_MODEL_DIR = STAND_IN_MODEL_DIR;
      resetConfig();
    }
  });

  it('a photo indexed while the model was unavailable gets its vector from a later embedding backfill', async () => {
    const asset = await storedAsset(database().db, files().storage, await productJpeg(900, 1200, { r: 30, g: 30, b: 160 }), { filename: 'blue-bag.jpg' });
    process.env.EMBEDDING_MODEL_DIR = '/nonexistent/wordnet-static-256';
    resetConfig();
    try {
      await runAssetJobs(database().db, asset.id);
      expect(await view(asset.id)).toMatchObject({ state: 'embedded', failed: false });
    } finally {
      process.env.EMBEDDING_MODEL_DIR = STAND_IN_MODEL_DIR;
      resetConfig();
    }
    expect((await backfillEmbeddings(database().db)).ok).toBe(true);
    expect(await jobOf(asset.id, 'embed')).toMatchObject({ status: 'done' });
  });

  it('alt text whose attempts failed reads in words, its repeated attempts fold into one history entry, and Retry writes it', async () => {
    const billing = 'Internal error (org_0123 over its billing hard limit of $5.00)';
    fake().setDefault({ kind: 'status', status: 500, message: billing });
    const asset = await storedAsset(database().db, files().storage, await productJpeg(900, 1200, { r: 20, g: 110, b: 40 }), { filename: 'green-scarf.jpg', title: 'Green wool scarf' });
    await runAssetJobs(database().db, asset.id);
    const failed = await view(asset.id);
    expect(failed.alt).toMatchObject({ text: null, lastErrorCode: 'server_error', lastError: expect.stringMatching(/vision provider had a problem/) });
    expect(JSON.stringify(failed)).not.toContain('billing');
    expect((await view(asset.id, admin)).alt.lastErrorDetail).toContain('billing hard limit');

    type History = { history: Array<{ event: string; attempts: number; message: string | null; detail?: string }> };
    const editorHistory = (await (await call(altRoute, { params: { id: asset.id }, cookie: editor.cookie })).json()) as History;
    const failures = editorHistory.history.filter((entry) => entry.event === 'failed');
    // The policy tried three times for this one run: one entry saying so.
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ attempts: 3, message: expect.stringMatching(/vision provider had a problem/) });
    // Codes stay machine-readable (outcome, lastErrorCode); what people read holds neither codes nor the provider's words.
    expect(JSON.stringify(editorHistory)).not.toContain('billing');
    for (const text of [failures[0].message, failed.alt.lastError]) expect(text).not.toMatch(/server_error|500|_/);
    // The coverage page's CSV of missing alt text says the same, in words.
    const csvLine = (await (await call(missingCsvRoute, { path: '/api/alt/coverage/missing', cookie: editor.cookie })).text()).split('\r\n').find((line) => line.startsWith(asset.id));
    expect(csvLine).toContain(',retrying,The vision provider had a problem on its side.');
    expect(csvLine).not.toMatch(/billing|server_error/);
    const adminHistory = (await (await call(altRoute, { params: { id: asset.id }, cookie: admin.cookie })).json()) as History;
    expect(adminHistory.history.find((entry) => entry.event === 'failed')?.detail).toContain('billing hard limit');

    fake().reset();
    const answer = await retry(asset.id);
    expect(answer.status).toBe(202);
    expect(await answer.json()).toMatchObject({ retried: ['describe'] });
    expect(await jobOf(asset.id, 'describe')).toMatchObject({ status: 'pending', priority: JOB_PRIORITY.interactive });
    await runAfterTasks();
    const written = await view(asset.id);
    expect(written.alt).toMatchObject({ source: 'ai', lastError: null, lastErrorCode: null });
    expect(written.alt.text).toMatch(/scarf/i);
  });

  it('answers 409 nothing_failed when no step failed, and 404 for an unknown asset', async () => {
    const asset = await storedAsset(database().db, files().storage, await productJpeg(900, 1200, { r: 200, g: 200, b: 40 }), { filename: 'fine.jpg' });
    await runAssetJobs(database().db, asset.id);
    expect((await view(asset.id)).state).toBe('embedded');
    const answer = await retry(asset.id);
    expect(answer.status).toBe(409);
    expect(await answer.json()).toMatchObject({ error: { code: 'nothing_failed', message: expect.stringMatching(/Nothing has failed/) } });
    expect((await retry(crypto.randomUUID())).status).toBe(404);
    expect((await retry('not-a-uuid')).status).toBe(404);
  });

  it('is for editors and up: anonymous 401, a viewer 403, and nothing is queued', async () => {
    const [row] = await database().db.select({ id: assets.id }).from(assets).where(eq(assets.state, 'failed_derive')).limit(1);
    const anonymous = await retry(row.id, null);
    expect(anonymous.status).toBe(401);
    const byViewer = await retry(row.id, viewer);
    expect(byViewer.status).toBe(403);
    expect(await byViewer.json()).toMatchObject({ error: { code: 'forbidden' } });
    expect((await jobOf(row.id, 'derive'))?.status).toBe('failed');
  });

  it('refuses an unknown library filter with a clear message', async () => {
    const response = await call(listRoute, { path: '/api/assets?state=broken', cookie: viewer.cookie });
    expect(response.status).toBe(422);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/state/);
  });
});
