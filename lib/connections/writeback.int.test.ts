import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GET as assetRoute, PATCH as patchAssetRoute } from '@/app/api/assets/[id]/route';
import { GET as assetsRoute } from '@/app/api/assets/route';
import { POST as conflictRoute } from '@/app/api/connections/[id]/conflicts/[remoteId]/route';
import { POST as syncRoute } from '@/app/api/connections/[id]/sync/route';
import { GET as runsRoute } from '@/app/api/connections/[id]/runs/route';
import { POST as undoRoute } from '@/app/api/connections/[id]/runs/[runId]/undo/route';
import { POST as writebackRoute } from '@/app/api/connections/[id]/writeback/route';
import { altHistory, assets, connections, jobs, products, type Asset } from '@/db/schema';
import { resetConfig } from '@/lib/config';
import { enqueueJob, JOB_PRIORITY } from '@/lib/jobs';
import { call, makeAccount, type TestAccount } from '@/test/auth';
import { allowPrivateStores, connectionRow, connectStore, fakeStore, photo, remoteOf, runConnectionJobs, type FakeStore } from '@/test/connections';
import { useTestDatabase } from '@/test/db';
import { useTemporaryLocalStorage } from '@/test/ingest';
import { connectionCoverage, enqueueWritebacks, useConnectorForTests, writebackSubscriber, type ConnectionView, type RunView } from './index';

/**
 * Writeback end to end: approved, person-written and decorative text reaches the store once per version;
 * AI text nobody approved never does; a shop-side edit is never overwritten (a conflict); undo puts the
 * store's old text back; refused credentials pause the connection with no retries.
 */

const database = useTestDatabase();
useTemporaryLocalStorage();
let admin: TestAccount;
let store: FakeStore;
let connection: ConnectionView;

beforeAll(async () => {
  allowPrivateStores(true);
  admin = await makeAccount(database().db, 'admin');
});

beforeEach(async () => {
  const { db } = database();
  await db.delete(connections);
  await db.delete(assets);
  await db.delete(products);
  store = fakeStore({ maxAltLength: 60 });
  useConnectorForTests(store.connector);
  connection = await connectStore(db, store);
  store.add({ remoteId: '1', bytes: await photo(1), altText: 'Old shop text' });
  store.add({ remoteId: '2', bytes: await photo(2), altText: '' });
  await call(syncRoute, { method: 'POST', cookie: admin.cookie, params: { id: connection.id } });
  await runConnectionJobs(db, 'sync');
});

afterAll(() => {
  useConnectorForTests(undefined, 'wordpress');
  delete process.env.CONNECTIONS_ALLOW_PRIVATE;
  resetConfig();
});

async function assetOf(remoteId: string): Promise<Asset> {
  const [asset] = await database().db.select().from(assets).where(eq(assets.id, (await remoteOf(database().db, remoteId)).assetId));
  return asset;
}

/** A person's edit through the real route: approved text, a new version. */
async function approve(remoteId: string, altText: string): Promise<Asset> {
  const asset = await assetOf(remoteId);
  const response = await call(patchAssetRoute, { method: 'PATCH', cookie: admin.cookie, params: { id: asset.id }, body: { altText, version: asset.version } });
  expect(response.status).toBe(200);
  return assetOf(remoteId);
}

async function writeBack(assetId: string): Promise<void> {
  await database().db.transaction((tx) => enqueueWritebacks(tx, [assetId]));
  await runConnectionJobs(database().db, 'writeback');
}

async function library(query: string): Promise<string[]> {
  const page = (await (await call(assetsRoute, { cookie: admin.cookie, path: `/api/assets?${query}` })).json()) as { items: { id: string }[] };
  return page.items.map((item) => item.id);
}

async function runs(): Promise<RunView[]> {
  return ((await (await call(runsRoute, { cookie: admin.cookie, params: { id: connection.id } })).json()) as { runs: RunView[] }).runs;
}

describe('writing alt text back', () => {
  it('writes approved text once per version, keeping the store’s previous text', async () => {
    const asset = await approve('1', 'Red wool coat on a hanger');
    expect(await library('store=not_in_store')).toEqual([asset.id]);
    expect(await connectionCoverage(database().db)).toEqual([expect.objectContaining({ images: 2, approvedInStore: 0, notYetInStore: 1 })]);
    await writeBack(asset.id);
    expect(await connectionCoverage(database().db)).toEqual([expect.objectContaining({ images: 2, approvedInStore: 1, notYetInStore: 0, conflicts: 0 })]);
    expect(await library('store=not_in_store')).toEqual([]);
    await writeBack(asset.id);
    await database().db.transaction((tx) => writebackSubscriber.onEvents(tx, [{ id: 'e1', type: 'alt_text.approved', assetId: asset.id, data: {}, priority: 0 }]));
    await runConnectionJobs(database().db, 'writeback');
    expect(store.calls.write).toEqual([{ remoteId: '1', altText: 'Red wool coat on a hanger' }]);
    expect(store.images.get('1')?.altText).toBe('Red wool coat on a hanger');
    const remote = await remoteOf(database().db, '1');
    expect(remote).toMatchObject({ status: 'in_sync', previousAlt: 'Old shop text', lastSeenAlt: 'Red wool coat on a hanger', writtenVersion: asset.version });
    expect(remote.lastWrittenAt).not.toBeNull();
    const [run] = (await runs()).filter((entry) => entry.kind === 'writeback' && entry.counts.written > 0);
    expect(run).toMatchObject({ outcome: 'done', counts: { written: 1 } });
  });

  it('an approval queues its writeback by itself, through the outbox (no call of its own)', async () => {
    const asset = await approve('1', 'Red wool coat on a hanger');
    const queued = await database().db.select().from(jobs).where(eq(jobs.kind, 'writeback'));
    expect(queued).toMatchObject([{ assetId: asset.id, connectionId: connection.id, status: 'pending', inputHash: `v${asset.version}` }]);
    await runConnectionJobs(database().db, 'writeback');
    expect(store.calls.write).toEqual([{ remoteId: '1', altText: 'Red wool coat on a hanger' }]);
    expect(await remoteOf(database().db, '1')).toMatchObject({ status: 'in_sync', writtenVersion: asset.version });
  });

  it('after a crash between the store’s write and Loupe’s record, writes nothing twice and keeps the text for undo', async () => {
    const asset = await approve('1', 'Red wool coat on a hanger');
    let crashed = false;
    store.afterWrite = () => {
      if (!crashed) {
        crashed = true;
        throw new Error('killed');
      }
    };
    await writeBack(asset.id);
    expect(store.calls.write).toHaveLength(1);
    expect((await remoteOf(database().db, '1')).status).toBe('pending');
    await runConnectionJobs(database().db, 'writeback', true);
    expect(store.calls.write).toHaveLength(1);
    expect(await remoteOf(database().db, '1')).toMatchObject({ status: 'in_sync', previousAlt: 'Old shop text', writtenVersion: asset.version });
  });

  it('writes only the newest text when it changes again before the job runs, leaving no run open', async () => {
    const first = await approve('1', 'Red wool coat');
    await database().db.transaction((tx) => enqueueWritebacks(tx, [first.id]));
    const second = await approve('1', 'Red wool coat on a wooden hanger');
    await writeBack(second.id);
    expect(store.calls.write).toEqual([{ remoteId: '1', altText: 'Red wool coat on a wooden hanger' }]);
    const writebacks = (await runs()).filter((run) => run.kind === 'writeback');
    expect(writebacks).toHaveLength(1);
    expect(writebacks[0]).toMatchObject({ outcome: 'done', counts: { written: 1 } });
  });

  it('never writes AI text nobody approved', async () => {
    const { db } = database();
    const asset = await assetOf('2');
    await db.update(assets).set({ altText: 'A model wrote this', altSource: 'ai', altStatus: 'proposed', version: asset.version + 1 }).where(eq(assets.id, asset.id));
    expect(await db.transaction((tx) => enqueueWritebacks(tx, [asset.id]))).toBe(0);
    const manual = await call(writebackRoute, { method: 'POST', cookie: admin.cookie, params: { id: connection.id }, body: { filter: {} } });
    expect(((await manual.json()) as { queued: number }).queued).toBe(0);
    // Even a writeback job queued by hand finds nothing it may write.
    await enqueueJob(db, { assetId: asset.id, connectionId: connection.id, kind: 'writeback', key: connection.id, priority: JOB_PRIORITY.interactive, inputHash: 'forced' });
    await runConnectionJobs(db, 'writeback');
    expect(store.calls.write).toEqual([]);
    expect(store.images.get('2')?.altText).toBe('');
  });

  it('writes a decorative photo as an empty alt', async () => {
    const asset = await assetOf('1');
    const response = await call(patchAssetRoute, { method: 'PATCH', cookie: admin.cookie, params: { id: asset.id }, body: { decorative: true, version: asset.version } });
    expect(response.status).toBe(200);
    await writeBack(asset.id);
    expect(store.calls.write).toEqual([{ remoteId: '1', altText: '' }]);
  });

  it('does not overwrite text edited in the shop since Loupe read it: a conflict keeping both texts', async () => {
    store.editInShop('1', 'Edited by the shop team');
    const asset = await approve('1', 'Red wool coat on a hanger');
    await writeBack(asset.id);
    expect(store.calls.write).toEqual([]);
    expect(store.images.get('1')?.altText).toBe('Edited by the shop team');
    expect(await remoteOf(database().db, '1')).toMatchObject({ status: 'conflict', remoteAlt: 'Edited by the shop team', lastSeenAlt: 'Old shop text' });
    expect((await assetOf('1')).altText).toBe('Red wool coat on a hanger');
    expect(await library('store=conflict')).toEqual([asset.id]);
    const view = (await (await call(assetRoute, { cookie: admin.cookie, params: { id: asset.id } })).json()) as { remotes: unknown[] };
    expect(view.remotes).toEqual([expect.objectContaining({ remoteId: '1', status: 'conflict', storeText: 'Edited by the shop team' })]);
  });

  it('refuses text over the platform’s limit without calling the store', async () => {
    const asset = await approve('2', 'A very long description of a coat that goes on and on past the limit');
    await writeBack(asset.id);
    expect(store.calls.read).toEqual([]);
    expect(await remoteOf(database().db, '2')).toMatchObject({ status: 'failed', error: expect.stringMatching(/at most 60/) });
  });

  it('undoes a run: the store gets its previous text back through the same job', async () => {
    const asset = await approve('1', 'Red wool coat on a hanger');
    await writeBack(asset.id);
    const remote = await remoteOf(database().db, '1');
    const response = await call(undoRoute, { method: 'POST', cookie: admin.cookie, params: { id: connection.id, runId: remote.lastRunId ?? '' }, body: {} });
    expect(response.status).toBe(202);
    await runConnectionJobs(database().db, 'writeback');
    expect(store.images.get('1')?.altText).toBe('Old shop text');
    expect(await remoteOf(database().db, '1')).toMatchObject({ status: 'pending', lastSeenAlt: 'Old shop text', restorePending: false });
    const again = await call(undoRoute, { method: 'POST', cookie: admin.cookie, params: { id: connection.id, runId: remote.lastRunId ?? '' }, body: { remoteIds: ['1'] } });
    expect(again.status).toBe(409);
  });

  it('undoes one item of a run, leaving the others', async () => {
    // Manual mode, so the two approvals wait and one "write back" run takes both.
    await database().db.update(connections).set({ writebackMode: 'manual' }).where(eq(connections.id, connection.id));
    const first = await approve('1', 'Red wool coat on a hanger');
    const second = await approve('2', 'Grey felt hat');
    await database().db.transaction((tx) => enqueueWritebacks(tx, [first.id, second.id], { connectionId: connection.id }));
    await runConnectionJobs(database().db, 'writeback');
    const runId = (await remoteOf(database().db, '1')).lastRunId ?? '';
    expect((await remoteOf(database().db, '2')).lastRunId).toBe(runId);
    const response = await call(undoRoute, { method: 'POST', cookie: admin.cookie, params: { id: connection.id, runId }, body: { remoteIds: ['2'] } });
    expect(((await response.json()) as { queued: number }).queued).toBe(1);
    await runConnectionJobs(database().db, 'writeback');
    expect(store.images.get('2')?.altText).toBe('');
    expect(store.images.get('1')?.altText).toBe('Red wool coat on a hanger');
  });

  it('pauses the connection when the store refuses the credentials, with no retries', async () => {
    const asset = await approve('1', 'Red wool coat on a hanger');
    store.password = 'revoked';
    await database().db.transaction((tx) => enqueueWritebacks(tx, [asset.id]));
    const first = await runConnectionJobs(database().db, 'writeback');
    expect(first).toMatchObject({ failed: 1, retry: 0 });
    const row = await connectionRow(database().db, connection.id);
    expect(row).toMatchObject({ status: 'paused', statusMessage: expect.stringMatching(/refused Loupe's credentials/) });
    const [job] = await database().db.select().from(jobs).where(eq(jobs.kind, 'writeback'));
    expect(job).toMatchObject({ status: 'failed', attempts: 1 });
    expect(store.calls.read).toEqual(['1']);
    await runConnectionJobs(database().db, 'writeback', true);
    expect(store.calls.read).toEqual(['1']);
    expect(store.calls.write).toEqual([]);
  });

  it('writes in manual mode only when asked, with the library filter', async () => {
    const { db } = database();
    await db.update(connections).set({ writebackMode: 'manual' }).where(eq(connections.id, connection.id));
    const asset = await approve('1', 'Red wool coat on a hanger');
    expect(await db.transaction((tx) => enqueueWritebacks(tx, [asset.id]))).toBe(0);
    const none = await call(writebackRoute, { method: 'POST', cookie: admin.cookie, params: { id: connection.id }, body: { filter: { q: 'no-such-photo' } } });
    expect(((await none.json()) as { queued: number }).queued).toBe(0);
    const response = await call(writebackRoute, { method: 'POST', cookie: admin.cookie, params: { id: connection.id }, body: { filter: { status: 'approved' } } });
    expect(response.status).toBe(202);
    expect(((await response.json()) as { queued: number }).queued).toBe(1);
    await runConnectionJobs(db, 'writeback');
    expect(store.calls.write).toEqual([{ remoteId: '1', altText: 'Red wool coat on a hanger' }]);
  });

  describe('a person decides a conflict', () => {
    async function conflicted(): Promise<Asset> {
      store.editInShop('1', 'Edited by the shop team');
      const asset = await approve('1', 'Red wool coat on a hanger');
      await writeBack(asset.id);
      expect((await remoteOf(database().db, '1')).status).toBe('conflict');
      return assetOf('1');
    }

    it('keeping Loupe’s text writes it over the shop’s edit', async () => {
      const asset = await conflicted();
      const stale = await call(conflictRoute, { method: 'POST', cookie: admin.cookie, params: { id: connection.id, remoteId: '1' }, body: { keep: 'loupe', version: asset.version - 1 } });
      expect(stale.status).toBe(409);
      const response = await call(conflictRoute, { method: 'POST', cookie: admin.cookie, params: { id: connection.id, remoteId: '1' }, body: { keep: 'loupe', version: asset.version } });
      expect(response.status).toBe(200);
      await runConnectionJobs(database().db, 'writeback');
      expect(store.images.get('1')?.altText).toBe('Red wool coat on a hanger');
      expect(await remoteOf(database().db, '1')).toMatchObject({ status: 'in_sync', previousAlt: 'Edited by the shop team' });
    });

    it('taking the store’s text makes it Loupe’s, approved by that person with source shop, and writes nothing', async () => {
      const asset = await conflicted();
      const response = await call(conflictRoute, { method: 'POST', cookie: admin.cookie, params: { id: connection.id, remoteId: '1' }, body: { keep: 'store', version: asset.version } });
      expect(response.status).toBe(200);
      await runConnectionJobs(database().db, 'writeback');
      expect(await assetOf('1')).toMatchObject({ altText: 'Edited by the shop team', altSource: 'shop', altStatus: 'approved', altAuthor: 'Test admin' });
      const history = await database().db.select().from(altHistory).where(eq(altHistory.assetId, asset.id));
      expect(history.find((entry) => entry.userId === admin.id && entry.source === 'shop')).toMatchObject({ event: 'imported', text: 'Edited by the shop team' });
      expect(await remoteOf(database().db, '1')).toMatchObject({ status: 'in_sync', lastSeenAlt: 'Edited by the shop team' });
      expect(store.calls.write).toEqual([]);
      const again = await call(conflictRoute, { method: 'POST', cookie: admin.cookie, params: { id: connection.id, remoteId: '1' }, body: { keep: 'store', version: asset.version + 1 } });
      expect(again.status).toBe(409);
    });
  });
});
