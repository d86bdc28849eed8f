import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { GET as coverageRoute } from '@/app/api/alt/coverage/route';
import { GET as reviewRoute } from '@/app/api/alt/review/route';
import { DELETE as deleteAssetRoute, GET as getAssetRoute, PATCH as patchAssetRoute } from '@/app/api/assets/[id]/route';
import { GET as listAssetsRoute } from '@/app/api/assets/route';
import { GET as exportRoute } from '@/app/api/exports/route';
import { GET as searchRoute } from '@/app/api/search/route';
import { POST as restoreRoute } from '@/app/api/trash/restore/route';
import { DELETE as emptyTrashRoute, GET as trashRoute } from '@/app/api/trash/route';
import { assets, jobs } from '@/db/schema';
import { runAfterTasks } from '@/lib/ingest';
import { runDueJobs, backfillSelection, countByReason } from '@/lib/jobs';
import { call, makeAccount, type TestAccount } from '@/test/auth';
import { useTestDatabase } from '@/test/db';
import { storedKeys, testJpeg, uploadThroughApi, useTemporaryLocalStorage } from '@/test/ingest';
import { standInModelAvailable, useStandInEmbeddingModel } from '@/test/stand-in-embedding-model';

vi.mock('next/server', async (original) => ({ ...(await original<object>()), after: (await import('@/lib/ingest/after-capture')).captureAfter }));

/**
 * The trash: DELETE /api/assets/:id moves an asset there (files kept, restorable), it leaves the library,
 * search, review, coverage, export and the backfill; the purge job removes files and row TRASH_DAYS later; an
 * admin can empty it at once.
 */
describe.skipIf(!standInModelAvailable())('the trash', () => {
  const database = useTestDatabase();
  const files = useTemporaryLocalStorage();
  let viewer: TestAccount;
  let editor: TestAccount;
  let admin: TestAccount;
  const ids: string[] = [];

  const errorOf = async (response: Response) => ({ status: response.status, code: ((await response.json()) as { error: { code: string } }).error.code });
  const keysOf = async (id: string) => {
    const [row] = await database().db.select().from(assets).where(eq(assets.id, id));
    return [row.originalKey, ...Object.values(row.derivatives ?? {}).map((d) => d.key)];
  };
  const trash = (id: string) => call(deleteAssetRoute, { method: 'DELETE', bearer: editor.token, params: { id } });
  const restore = (body: unknown, account = editor) => call(restoreRoute, { method: 'POST', bearer: account.token, body });
  const libraryIds = async () => ((await (await call(listAssetsRoute, { bearer: viewer.token, path: '/api/assets?limit=100' })).json()) as { items: { id: string }[] }).items.map((a) => a.id);

  beforeAll(async () => {
    useStandInEmbeddingModel();
    const db = database().db;
    viewer = await makeAccount(db, 'viewer');
    editor = await makeAccount(db, 'editor');
    admin = await makeAccount(db, 'admin');
    for (let seed = 0; seed < 4; seed++) {
      const { assetId } = await uploadThroughApi(editor, await testJpeg(400 + seed), { filename: `trashcoat-${seed}.jpg`, tags: ['coats'] });
      ids.push(assetId);
    }
    await runAfterTasks();
    // Alt text a model proposed, so each photo is in the review queue and the export.
    await db.update(assets).set({ altText: 'A red wool coat on a hanger', altSource: 'ai', altStatus: 'proposed' });
  }, 120_000);

  it('refuses anonymous callers (401) and the roles below each route (403)', async () => {
    expect((await call(trashRoute, { path: '/api/trash' })).status).toBe(401);
    expect((await call(restoreRoute, { method: 'POST', body: { ids } })).status).toBe(401);
    expect((await call(emptyTrashRoute, { method: 'DELETE' })).status).toBe(401);
    expect(await errorOf(await call(trashRoute, { bearer: viewer.token, path: '/api/trash' }))).toEqual({ status: 403, code: 'forbidden' });
    expect(await errorOf(await restore({ ids }, viewer))).toEqual({ status: 403, code: 'forbidden' });
    expect(await errorOf(await call(deleteAssetRoute, { method: 'DELETE', bearer: viewer.token, params: { id: ids[0] } }))).toEqual({ status: 403, code: 'forbidden' });
    expect(await errorOf(await call(emptyTrashRoute, { method: 'DELETE', bearer: editor.token }))).toEqual({ status: 403, code: 'forbidden' });
  });

  it('DELETE moves the asset to the trash: out of the library, search, review, coverage, export and backfill, files kept', async () => {
    const before = await storedKeys(files().root);
    const response = await trash(ids[0]);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { deleted: string; trashed: boolean; purgeAt: string };
    expect(body).toMatchObject({ deleted: ids[0], trashed: true });
    expect(new Date(body.purgeAt).getTime() - Date.now()).toBeGreaterThan(29.9 * 86_400_000);

    expect(await storedKeys(files().root)).toEqual(before);
    expect(await libraryIds()).not.toContain(ids[0]);
    expect(await libraryIds()).toContain(ids[1]);

    const got = await call(getAssetRoute, { bearer: viewer.token, params: { id: ids[0] } });
    expect(got.status).toBe(404);
    const error = ((await got.json()) as { error: { message: string; details: { deletedBy: string } } }).error;
    expect(error.message).toMatch(/in the trash/);
    expect(error.details.deletedBy).toBe('API token "editor test token"');

    const search = (await (await call(searchRoute, { bearer: viewer.token, path: '/api/search?q=trashcoat' })).json()) as { results: { asset: { id: string } }[] };
    const found = search.results.map((r) => r.asset.id);
    expect(found).toContain(ids[1]);
    expect(found).not.toContain(ids[0]);

    const review = (await (await call(reviewRoute, { bearer: editor.token, path: '/api/alt/review?limit=100' })).json()) as { items: { id: string }[] };
    expect(review.items.map((i) => i.id)).toContain(ids[1]);
    expect(review.items.map((i) => i.id)).not.toContain(ids[0]);

    const coverage = (await (await call(coverageRoute, { bearer: editor.token, path: '/api/alt/coverage' })).json()) as { overall: { total: number } };
    expect(coverage.overall.total).toBe(3);

    const exported = await (await call(exportRoute, { bearer: viewer.token, path: '/api/exports?format=jsonl&status=all' })).text();
    expect(exported).toContain('trashcoat-1.jpg');
    expect(exported).not.toContain('trashcoat-0.jpg');

    // With no text at all, the backfill would pick every photo but the trashed one.
    await database().db.update(assets).set({ altText: null, altSource: null, altStatus: 'none', altLastError: null });
    expect((await countByReason(database().db, backfillSelection.parse({}))).missing).toBe(3);
    await database().db.update(assets).set({ altText: 'A red wool coat on a hanger', altSource: 'ai', altStatus: 'proposed' });

    // Nobody edits it while it is in the trash.
    const [trashed] = await database().db.select().from(assets).where(eq(assets.id, ids[0]));
    const patch = await call(patchAssetRoute, { method: 'PATCH', bearer: editor.token, params: { id: ids[0] }, body: { tags: ['edited'], version: trashed.version } });
    expect(patch.status).toBe(404);
    expect((await database().db.select().from(assets).where(eq(assets.id, ids[0])))[0].tags).toEqual(['coats']);

    // Deleting again: it is already gone from the library.
    expect(await errorOf(await trash(ids[0]))).toEqual({ status: 404, code: 'not_found' });
  });

  it('lists the trash with who deleted each asset and when it will be purged', async () => {
    const response = await call(trashRoute, { bearer: editor.token, path: '/api/trash' });
    expect(response.status).toBe(200);
    const page = (await response.json()) as { items: { id: string; filename: string; deletedBy: string; purgeAt: string }[]; total: number };
    expect(page.total).toBe(1);
    expect(page.items).toEqual([expect.objectContaining({ id: ids[0], filename: 'trashcoat-0.jpg', deletedBy: 'API token "editor test token"' })]);
  });

  it('restores to the library, answering each asset on its own', async () => {
    const response = await restore({ ids: [ids[0], ids[1], '00000000-0000-4000-8000-000000000000', 'nope'] });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { restored: number; results: { id: string; outcome: string; reason?: string }[] };
    expect(body.restored).toBe(1);
    expect(body.results).toEqual(
      expect.arrayContaining([
        { id: ids[0], outcome: 'ok' },
        { id: ids[1], outcome: 'skipped', reason: 'not in the trash' },
        { id: '00000000-0000-4000-8000-000000000000', outcome: 'failed', reason: 'no such asset: it may have been purged' },
        { id: 'nope', outcome: 'failed', reason: 'not an asset id (a UUID)' },
      ]),
    );
    expect(await libraryIds()).toContain(ids[0]);
    expect((await call(getAssetRoute, { bearer: viewer.token, params: { id: ids[0] } })).status).toBe(200);
    // Its purge is cancelled.
    expect(await database().db.select().from(jobs).where(sql`${jobs.assetId} = ${ids[0]} and ${jobs.kind} = 'purge'`)).toEqual([]);
  });

  it('refuses malformed restore bodies with a clear 422', async () => {
    expect(await errorOf(await restore({ ids: [] }))).toEqual({ status: 422, code: 'validation_failed' });
    expect(await errorOf(await restore({ ids: 'all' }))).toEqual({ status: 422, code: 'validation_failed' });
    expect(await errorOf(await restore({ ids: [ids[0]], extra: 1 }))).toEqual({ status: 422, code: 'validation_failed' });
  });

  it('purges through the sweeper’s job only after TRASH_DAYS: files, then row', async () => {
    const db = database().db;
    const [old, recent] = [ids[1], ids[2]];
    const oldKeys = await keysOf(old);
    expect((await trash(old)).status).toBe(200);
    expect((await trash(recent)).status).toBe(200);
    // 31 and 29 days in the trash; each purge job made due now, as if the sweeper's time had come.
    await db.execute(sql`update assets set deleted_at = now() - interval '31 days' where id = ${old}`);
    await db.execute(sql`update assets set deleted_at = now() - interval '29 days' where id = ${recent}`);
    await db.execute(sql`update jobs set next_attempt_at = now() where kind = 'purge'`);

    await runDueJobs(database().db, { concurrency: 1, kinds: ['purge'] });

    expect(await db.select({ id: assets.id }).from(assets).where(eq(assets.id, old))).toEqual([]);
    const remaining = await storedKeys(files().root);
    for (const key of oldKeys) expect(remaining).not.toContain(key);
    // Not yet due: kept, its job waiting until the 30th day.
    const [kept] = await db.select().from(assets).where(eq(assets.id, recent));
    expect(kept.deletedAt).not.toBeNull();
    for (const key of await keysOf(recent)) expect(remaining).toContain(key);
    const [job] = await db.select().from(jobs).where(sql`${jobs.assetId} = ${recent} and ${jobs.kind} = 'purge'`);
    expect(job.status).toBe('waiting');
    expect(job.nextAttemptAt!.getTime() - Date.now()).toBeGreaterThan(0.9 * 86_400_000);
  });

  it('lets only an admin empty the trash, purging files and rows at once', async () => {
    const db = database().db;
    const recentKeys = await keysOf(ids[2]);
    expect((await trash(ids[3])).status).toBe(200);
    const keys = [...recentKeys, ...(await keysOf(ids[3]))];
    expect(await errorOf(await call(emptyTrashRoute, { method: 'DELETE', bearer: editor.token }))).toEqual({ status: 403, code: 'forbidden' });

    const response = await call(emptyTrashRoute, { method: 'DELETE', bearer: admin.token });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ purged: 2, remaining: 0 });
    expect(await db.select({ id: assets.id }).from(assets).where(sql`${assets.id} in (${ids[2]}, ${ids[3]})`)).toEqual([]);
    const remaining = await storedKeys(files().root);
    for (const key of keys) expect(remaining).not.toContain(key);
    // What was never trashed is untouched.
    for (const key of await keysOf(ids[0])) expect(remaining).toContain(key);
    expect(await libraryIds()).toEqual([ids[0]]);
  });
});
