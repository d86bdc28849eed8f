import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectionRuns, jobs } from '@/db/schema';
import { resetConfig } from '@/lib/config';
import { makeAccount, type TestAccount } from '@/test/auth';
import { allowPrivateStores, connectionRow, connectionSteps, photo, remoteOf, runConnectionJobs, writebacksLeft } from '@/test/connections';
import { useTestDatabase } from '@/test/db';
import { useTemporaryLocalStorage } from '@/test/ingest';
import { startShopifyFake, type FakeProduct, type ShopifyFake } from '@/test/shopify-fake';
import { createConnection, requestSync, undoRun, updateConnection, type ConnectionView } from './index';

/**
 * Batched writeback to Shopify (store-writes.ts) against the fake shop: a page of texts is read with one nodes
 * call and written with one fileUpdate per 25 files; from CONNECTIONS_BULK_WRITE_FROM waiting texts, one bulk
 * operation (staged JSONL upload, bulkOperationRunMutation, polled) instead. Conflicts, undo and images not READY
 * behave as for one photo at a time.
 */

const database = useTestDatabase();
useTemporaryLocalStorage();
let shop: ShopifyFake;
let admin: TestAccount;
let connection: ConnectionView;

/** Each image its own bytes: the same bytes twice would be one photo in Loupe. */
let nextSeed = 100;

/** A new product of `count` images (without alt text unless `altOf` gives one), synced into Loupe. */
const { assetOf, writeAllInReview: approveInReview } = connectionSteps(() => ({ db: database().db, admin, connectionId: connection.id }));

async function syncedProduct(title: string, count: number, altOf: (n: number) => string = () => ''): Promise<FakeProduct> {
  const seeds = Array.from({ length: count }, () => nextSeed++);
  const product = shop.addProduct({ title, images: await Promise.all(seeds.map(async (seed, n) => ({ bytes: await photo(seed), alt: altOf(n) }))) });
  shop.advance(5000);
  const requested = await requestSync(database().db, connection.id);
  if (!requested.ok) throw new Error(requested.message);
  await runConnectionJobs(database().db, 'sync');
  return product;
}

function textsFor(product: FakeProduct, words: string): Map<string, string> {
  return new Map(product.media.map((id, n) => [id, `${words} ${n + 1}`]));
}

/** Operations the shop was sent since `from` (an index into its log), by name. */
function operationsSince(from: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of shop.calls.operations.slice(from)) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

/** Runs writebacks until none is left, retries and bulk polls made due at once; the passes it took. */
async function writeEverything(): Promise<number> {
  for (let passes = 1; passes <= 50; passes += 1) {
    await runConnectionJobs(database().db, 'writeback', true);
    if (!(await writebacksLeft(database().db))) return passes;
  }
  throw new Error('writebacks still left after 50 passes');
}

async function perPhotoJobs(): Promise<number> {
  return (await database().db.select().from(jobs).where(and(eq(jobs.kind, 'writeback'), eq(jobs.connectionId, connection.id)))).length;
}

beforeAll(async () => {
  allowPrivateStores(true);
  admin = await makeAccount(database().db, 'admin');
  shop = await startShopifyFake({ restoreRate: 10_000 });
  const created = await createConnection(database().db, admin.id, { kind: 'shopify', name: 'Batches', shop: shop.url, accessToken: shop.staticToken, writebackMode: 'on_approval' });
  if (!created.ok) throw new Error(created.message);
  connection = created.connection;
}, 60_000);

afterEach(() => {
  delete process.env.CONNECTIONS_BULK_WRITE_FROM;
  resetConfig();
});

afterAll(async () => {
  await shop?.stop();
  delete process.env.CONNECTIONS_ALLOW_PRIVATE;
  resetConfig();
});

describe('batched writeback to Shopify', () => {
  it('writes a page of texts with one read and one fileUpdate per 25 files, as one run', async () => {
    const plates = await syncedProduct('Plates', 30);
    const from = shop.calls.operations.length;
    await approveInReview(textsFor(plates, 'White stoneware plate'));
    expect(await writeEverything()).toBe(1);
    expect(operationsSince(from)).toEqual({ LoupeMediaAlts: 1, LoupeFileUpdate: 2 });
    expect(plates.media.map((id) => shop.media.get(id)?.alt)).toEqual([...textsFor(plates, 'White stoneware plate').values()]);
    for (const id of plates.media) expect(await remoteOf(database().db, id)).toMatchObject({ status: 'in_sync', previousAlt: '', pendingRunId: null, writtenVersion: (await assetOf(id)).version });
    expect(await perPhotoJobs()).toBe(0);
    const [run] = await database().db.select().from(connectionRuns).where(eq(connectionRuns.id, (await remoteOf(database().db, plates.media[0])).lastRunId!));
    expect(run).toMatchObject({ kind: 'writeback', outcome: 'done', written: 30, conflicts: 0, failed: 0 });
  });

  it('keeps a shop-side edit in a batch as a conflict, and writes the rest', async () => {
    const cups = await syncedProduct('Cups', 3);
    shop.editAlt(cups.media[1], 'Edited in the shop');
    await approveInReview(textsFor(cups, 'Espresso cup'));
    await writeEverything();
    expect(cups.media.map((id) => shop.media.get(id)?.alt)).toEqual(['Espresso cup 1', 'Edited in the shop', 'Espresso cup 3']);
    expect(await remoteOf(database().db, cups.media[1])).toMatchObject({ status: 'conflict', remoteAlt: 'Edited in the shop' });
  });

  it('leaves an image that is not READY for a later pass, and writes the others now', async () => {
    const jugs = await syncedProduct('Jugs', 3);
    shop.media.get(jugs.media[0])!.status = 'PROCESSING';
    await approveInReview(textsFor(jugs, 'Enamel jug'));
    await runConnectionJobs(database().db, 'writeback');
    expect(jugs.media.map((id) => shop.media.get(id)?.alt)).toEqual(['', 'Enamel jug 2', 'Enamel jug 3']);
    expect(await remoteOf(database().db, jugs.media[0])).toMatchObject({ status: 'pending', error: expect.stringContaining('not READY') });
    shop.media.get(jugs.media[0])!.status = 'READY';
    await writeEverything();
    expect(shop.media.get(jugs.media[0])?.alt).toBe('Enamel jug 1');
    expect(await remoteOf(database().db, jugs.media[0])).toMatchObject({ status: 'in_sync', error: null });
  });

  it('from CONNECTIONS_BULK_WRITE_FROM waiting texts, writes them in one bulk operation, polled until done', async () => {
    process.env.CONNECTIONS_BULK_WRITE_FROM = '10';
    resetConfig();
    const bowls = await syncedProduct('Bowls', 40);
    const from = shop.calls.operations.length;
    const uploads = shop.calls.uploads;
    await approveInReview(textsFor(bowls, 'Sand-glazed bowl'));
    // The first pass reads the texts and starts the operation; a person edits one text while it runs.
    await runConnectionJobs(database().db, 'writeback');
    expect(await remoteOf(database().db, bowls.media[0])).toMatchObject({ bulkOperationId: expect.stringMatching(/^gid:\/\/shopify\/BulkOperation\//), bulkAlt: 'Sand-glazed bowl 1' });
    await approveInReview(new Map([[bowls.media[0], 'Sand-glazed bowl, seen from above']]));
    await writeEverything();
    const operations = operationsSince(from);
    expect(operations).toMatchObject({ LoupeMediaAlts: 2, LoupeStagedUpload: 1, LoupeBulkRun: 1 });
    expect(operations.LoupeBulkStatus).toBeGreaterThanOrEqual(2);
    // The edited text went out after the operation, through a call; none of the other 39 did.
    expect(operations.LoupeFileUpdate).toBe(1);
    expect(shop.calls.uploads - uploads).toBe(1);
    expect(bowls.media.map((id) => shop.media.get(id)?.alt)).toEqual(['Sand-glazed bowl, seen from above', ...[...textsFor(bowls, 'Sand-glazed bowl').values()].slice(1)]);
    for (const id of bowls.media) expect(await remoteOf(database().db, id)).toMatchObject({ status: 'in_sync', pendingRunId: null, bulkOperationId: null, bulkAlt: null, writtenVersion: (await assetOf(id)).version });
    expect(await perPhotoJobs()).toBe(0);
  });

  it('pauses on a revoked token with every text still waiting; new credentials resume it and nothing is lost', async () => {
    const mugs = await syncedProduct('Mugs', 4);
    const oldToken = shop.staticToken;
    shop.staticToken = `shpat_${'b'.repeat(32)}`;
    await approveInReview(textsFor(mugs, 'Speckled mug'));
    await runConnectionJobs(database().db, 'writeback');
    expect(await connectionRow(database().db, connection.id)).toMatchObject({ status: 'paused', statusMessage: expect.stringContaining('credentials') });
    const waiting = await remoteOf(database().db, mugs.media[0]);
    expect(waiting).toMatchObject({ status: 'pending', pendingRunId: expect.any(String) });
    const [run] = await database().db.select().from(connectionRuns).where(eq(connectionRuns.id, waiting.pendingRunId!));
    expect(run.outcome).toBe('paused');
    expect(mugs.media.map((id) => shop.media.get(id)?.alt)).toEqual(['', '', '', '']);
    const resumed = await updateConnection(database().db, connection.id, { credentials: { accessToken: shop.staticToken } });
    expect(resumed.ok).toBe(true);
    await writeEverything();
    expect(mugs.media.map((id) => shop.media.get(id)?.alt)).toEqual([...textsFor(mugs, 'Speckled mug').values()]);
    expect(oldToken).not.toBe(shop.staticToken);
  });

  it('undoes a bulk-written run: the shop’s previous texts go back', async () => {
    process.env.CONNECTIONS_BULK_WRITE_FROM = '10';
    resetConfig();
    const vases = await syncedProduct('Vases', 12, (n) => `Old vase text ${n + 1}`);
    await approveInReview(textsFor(vases, 'Ribbed glass vase'));
    await writeEverything();
    expect(shop.media.get(vases.media[11])?.alt).toBe('Ribbed glass vase 12');
    const runId = (await remoteOf(database().db, vases.media[0])).lastRunId!;
    const undone = await undoRun(database().db, connection.id, runId);
    expect(undone).toEqual({ ok: true, queued: 12 });
    await writeEverything();
    expect(vases.media.map((id) => shop.media.get(id)?.alt)).toEqual(vases.media.map((_, n) => `Old vase text ${n + 1}`));
    for (const id of vases.media) expect(await remoteOf(database().db, id)).toMatchObject({ status: 'pending', restorePending: false, bulkOperationId: null });
  });
});
