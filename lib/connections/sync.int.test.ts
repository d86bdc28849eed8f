import { randomBytes } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GET as assetRoute } from '@/app/api/assets/[id]/route';
import { GET as assetsRoute } from '@/app/api/assets/route';
import { POST as syncRoute } from '@/app/api/connections/[id]/sync/route';
import { GET as runsRoute } from '@/app/api/connections/[id]/runs/route';
import { altHistory, assetRemotes, assets, connections, jobs, products } from '@/db/schema';
import { resetConfig } from '@/lib/config';
import { call, makeAccount, type TestAccount } from '@/test/auth';
import { allowPrivateStores, connectionRow, connectStore, fakeStore, photo, remoteOf, runConnectionJobs, type FakeStore } from '@/test/connections';
import { useTestDatabase } from '@/test/db';
import { useTemporaryLocalStorage } from '@/test/ingest';
import { startWebhookReceiver } from '@/test/webhook-receiver';
import { enqueueNightlyWork, useConnectorForTests, type ConnectionView, type RunView } from './index';

/**
 * The sync job end to end: the real route, job runner, ingest path, storage and database, against the test
 * connector. Photos arrive deduplicated by SHA-256 with the store's alt text as a person's text (source shop);
 * a sync stopped after any page resumes at the next one and writes nothing twice.
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
  store = fakeStore({ pageSize: 2 });
  useConnectorForTests(store.connector);
  connection = await connectStore(db, store);
});

afterAll(() => {
  useConnectorForTests(undefined, 'wordpress');
  delete process.env.CONNECTIONS_ALLOW_PRIVATE;
  delete process.env.UPLOAD_MAX_BYTES;
  resetConfig();
});

async function sync(): Promise<RunView> {
  const response = await call(syncRoute, { method: 'POST', cookie: admin.cookie, params: { id: connection.id } });
  expect(response.status).toBe(202);
  return ((await response.json()) as { run: RunView }).run;
}

async function runs(): Promise<RunView[]> {
  return ((await (await call(runsRoute, { cookie: admin.cookie, params: { id: connection.id } })).json()) as { runs: RunView[] }).runs;
}

const assetCount = async () => Number((await database().db.select({ n: count() }).from(assets))[0].n);

describe('syncing a store', () => {
  it('brings the photos in with their products, the store’s alt text as a person’s (source shop), empty as missing', async () => {
    const product = { remoteId: 'p1', title: 'Red wool coat', sku: 'COAT-1', handle: 'red-coat', collection: 'Coats' };
    store.add({ remoteId: '11', bytes: await photo(1), altText: 'Red wool coat, front', product, position: 0 });
    store.add({ remoteId: '12', bytes: await photo(2), altText: 'Red wool coat, back', product, position: 1 });
    store.add({ remoteId: '13', bytes: await photo(3), altText: '' });
    const run = await sync();
    expect(run).toMatchObject({ kind: 'sync', outcome: 'running' });
    await runConnectionJobs(database().db, 'sync');

    const { db } = database();
    const front = await db.select().from(assets).where(eq(assets.id, (await remoteOf(db, '11')).assetId));
    expect(front[0]).toMatchObject({ altText: 'Red wool coat, front', altSource: 'shop', altStatus: 'approved', altAuthor: 'Main shop', productPosition: 0, state: 'stored' });
    const [history] = await db.select().from(altHistory).where(eq(altHistory.assetId, front[0].id));
    expect(history).toMatchObject({ event: 'imported', source: 'shop', text: 'Red wool coat, front' });
    const [empty] = await db.select().from(assets).where(eq(assets.id, (await remoteOf(db, '13')).assetId));
    expect(empty).toMatchObject({ altText: null, altSource: null, altStatus: 'none' });
    const [coat] = await db.select().from(products);
    expect(coat).toMatchObject({ title: 'Red wool coat', sku: 'COAT-1', handle: 'red-coat', collection: 'Coats', connectionId: connection.id, remoteId: 'p1' });
    expect((await remoteOf(db, '12')).status).toBe('in_sync');
    expect((await remoteOf(db, '13')).status).toBe('in_sync');

    // The asset JSON names its product, its place and its store; the library filters by product.
    const view = (await (await call(assetRoute, { cookie: admin.cookie, params: { id: front[0].id } })).json()) as Record<string, unknown>;
    expect(view).toMatchObject({
      product: { id: coat.id, title: 'Red wool coat', sku: 'COAT-1', handle: 'red-coat' },
      productPosition: 0,
      remotes: [{ connectionId: connection.id, remoteId: '11', status: 'in_sync', lastWrittenAt: null, error: null }],
    });
    const byProduct = (await (await call(assetsRoute, { cookie: admin.cookie, path: `/api/assets?product=${coat.id}` })).json()) as { items: { id: string }[] };
    expect(byProduct.items.map((item) => item.id).sort()).toEqual([front[0].id, (await remoteOf(db, '12')).assetId].sort());

    const [done] = await runs();
    expect(done).toMatchObject({ id: run.id, outcome: 'done', counts: { seen: 3, created: 3, linked: 0, updated: 2, failed: 0 } });
    expect((await connectionRow(db, connection.id)).syncCursor).toBeNull();
  });

  it('links a photo already in the library instead of storing it twice (SHA-256)', async () => {
    store.add({ remoteId: '21', bytes: await photo(4), altText: 'Blue scarf' });
    await sync();
    await runConnectionJobs(database().db, 'sync');
    const other = fakeStore();
    other.add({ remoteId: '99', bytes: await photo(4), altText: 'Blue scarf' });
    useConnectorForTests(other.connector);
    const second = await connectStore(database().db, other, { name: 'Second shop' });
    await call(syncRoute, { method: 'POST', cookie: admin.cookie, params: { id: second.id } });
    await runConnectionJobs(database().db, 'sync');
    expect(await assetCount()).toBe(1);
    const links = await database().db.select().from(assetRemotes);
    expect(links).toHaveLength(2);
    expect(new Set(links.map((link) => link.assetId)).size).toBe(1);
  });

  it('resumes after a crash at the page where it stopped, storing and fetching nothing twice', async () => {
    // One photo at a time, so the crash below comes after the first photo of page 2 is stored, always.
    store = fakeStore({ pageSize: 2, concurrency: 1 });
    useConnectorForTests(store.connector);
    await database().db.delete(connections);
    connection = await connectStore(database().db, store);
    for (let i = 0; i < 6; i += 1) store.add({ remoteId: `3${i}`, bytes: await photo(10 + i), altText: `Photo ${i}` });
    const { db } = database();
    // The first pass dies fetching the second photo of page 2 (its first photo is already stored by then).
    let crashed = false;
    store.beforeFetch = (remoteId) => {
      if (remoteId === '33' && !crashed) {
        crashed = true;
        throw new Error('killed');
      }
    };
    await sync();
    const first = await runConnectionJobs(db, 'sync');
    expect(first.retry).toBe(1);
    expect((await connectionRow(db, connection.id)).syncCursor).toBe('page-1');
    expect(await db.select().from(assetRemotes)).toHaveLength(2);
    expect(await assetCount()).toBe(3);

    store.calls.list.length = 0;
    store.calls.fetch.length = 0;
    await runConnectionJobs(db, 'sync', true);
    // The second run starts at page 2, not at the beginning.
    expect(store.calls.list[0]).toEqual({ since: null, cursor: 'page-1' });
    expect(store.calls.fetch.sort()).toEqual(['32', '33', '34', '35']);
    expect(await assetCount()).toBe(6);
    expect(await db.select().from(assetRemotes)).toHaveLength(6);
    const [run] = await runs();
    expect(run).toMatchObject({ outcome: 'done', counts: { seen: 6, created: 5, linked: 1, failed: 0 } });
    expect(await runs()).toHaveLength(1);
  });

  it('downloads a page’s photos in parallel, never more at once than the connector allows', async () => {
    store = fakeStore({ pageSize: 6, concurrency: 2 });
    useConnectorForTests(store.connector);
    await database().db.delete(connections);
    connection = await connectStore(database().db, store);
    for (let i = 0; i < 6; i += 1) store.add({ remoteId: `7${i}`, bytes: await photo(50 + i), altText: '' });
    // Each download waits until a second one is under way: a sync that fetched one at a time would never finish.
    let release: () => void = () => {};
    const twoAtOnce = new Promise<void>((resolve) => (release = resolve));
    store.fetchGate = async () => {
      if (store.downloads.now >= 2) release();
      await twoAtOnce;
    };
    await sync();
    await runConnectionJobs(database().db, 'sync');
    expect(store.downloads.most).toBe(2);
    expect(await assetCount()).toBe(6);
  }, 30_000);

  it('takes only what changed on the next sync (modified_after)', async () => {
    store.add({ remoteId: '41', bytes: await photo(20), altText: 'Hat' });
    store.add({ remoteId: '42', bytes: await photo(21), altText: 'Gloves' });
    await sync();
    await runConnectionJobs(database().db, 'sync');
    store.editInShop('42', 'Woollen gloves');
    store.calls.fetch.length = 0;
    await sync();
    await runConnectionJobs(database().db, 'sync');
    expect(store.calls.fetch).toEqual(['42']);
    expect(store.calls.list.at(-1)?.since).not.toBeNull();
    const [gloves] = await database().db.select().from(assets).where(eq(assets.id, (await remoteOf(database().db, '42')).assetId));
    expect(gloves).toMatchObject({ altText: 'Woollen gloves', altSource: 'shop' });
  });

  it('logs and skips photos that are gone, too big or not images; the rest arrive', async () => {
    process.env.UPLOAD_MAX_BYTES = '20000';
    resetConfig();
    try {
      store.add({ remoteId: '51', bytes: await photo(30), altText: 'Fine' });
      store.add({ remoteId: '52', bytes: await photo(31), altText: '', fetchError: 'not_found' });
      store.add({ remoteId: '53', bytes: Buffer.concat([await photo(32), randomBytes(30_000)]), altText: '' });
      store.add({ remoteId: '54', bytes: Buffer.from('<html>not a photo</html>'), altText: '' });
      await sync();
      await runConnectionJobs(database().db, 'sync');
    } finally {
      delete process.env.UPLOAD_MAX_BYTES;
      resetConfig();
    }
    const [run] = await runs();
    expect(run).toMatchObject({ outcome: 'done', counts: { seen: 4, created: 1, failed: 3 } });
    expect(run.errors.map((error) => [error.remoteId, error.code]).sort()).toEqual([
      ['52', 'not_found'],
      ['53', 'download_failed'],
      ['54', 'not_an_image'],
    ]);
    expect(run.errors.find((error) => error.remoteId === '53')?.message).toMatch(/larger than 20000 bytes/);
    expect(await assetCount()).toBe(1);
  });

  it('pauses the connection when the store refuses the credentials, without retrying', async () => {
    store.add({ remoteId: '61', bytes: await photo(40), altText: 'Boots' });
    store.password = 'revoked';
    const receiver = await startWebhookReceiver();
    process.env.NOTIFY_WEBHOOK_URL = receiver.url;
    resetConfig();
    await sync();
    const summary = await runConnectionJobs(database().db, 'sync').finally(async () => {
      delete process.env.NOTIFY_WEBHOOK_URL;
      resetConfig();
      await receiver.close();
    });
    // NOTIFY_WEBHOOK_URL hears of it.
    expect(receiver.received).toHaveLength(1);
    expect((receiver.received[0].payload as unknown as { text: string }).text).toMatch(/sync of the store "Main shop" ended and the connection is paused/);
    expect(summary).toMatchObject({ done: 1, retry: 0, failed: 0 });
    const row = await connectionRow(database().db, connection.id);
    expect(row.status).toBe('paused');
    expect(row.statusMessage).toMatch(/refused Loupe's credentials/);
    const [run] = await runs();
    expect(run).toMatchObject({ outcome: 'paused', errors: [{ code: 'unauthorized' }] });
    expect(store.calls.list).toHaveLength(1);
    expect(await database().db.select().from(jobs).where(eq(jobs.status, 'pending'))).toHaveLength(0);
    const again = await call(syncRoute, { method: 'POST', cookie: admin.cookie, params: { id: connection.id } });
    expect(again.status).toBe(409);
  });

  it('ends the run with a clear entry when the store answers garbage', async () => {
    store.failing.list = { code: 'not_platform', message: 'the answer was an HTML page, not JSON' };
    await sync();
    const summary = await runConnectionJobs(database().db, 'sync');
    expect(summary.failed).toBe(1);
    const [run] = await runs();
    expect(run.outcome).toBe('failed');
    expect(run.errors[0].message).toMatch(/cannot be used: the answer was an HTML page/);
    expect((await connectionRow(database().db, connection.id)).status).toBe('active');
  });

  it('is queued for every active connection by the nightly cron', async () => {
    const { db } = database();
    const paused = await connectStore(db, store, { name: 'Paused shop' });
    await db.update(connections).set({ status: 'paused' }).where(eq(connections.id, paused.id));
    expect(await enqueueNightlyWork(db)).toEqual({ syncs: 1, writebacks: 0 });
    const queued = await db.select().from(jobs).where(eq(jobs.kind, 'sync'));
    expect(queued.map((job) => job.connectionId)).toEqual([connection.id]);
  });
});
