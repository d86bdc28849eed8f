import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as getRoute } from '@/app/api/connections/[id]/route';
import { POST as conflictRoute } from '@/app/api/connections/[id]/conflicts/[remoteId]/route';
import { POST as undoRoute } from '@/app/api/connections/[id]/runs/[runId]/undo/route';
import { POST as createRoute } from '@/app/api/connections/route';
import { products } from '@/db/schema';
import { resetConfig } from '@/lib/config';
import { shopifyPaceStats } from '@/lib/connectors';
import { call, makeAccount, type TestAccount } from '@/test/auth';
import { allowPrivateStores, connectionRow, connectionSteps, photo, remoteOf, runConnectionJobs, writebacksLeft } from '@/test/connections';
import { useTestDatabase } from '@/test/db';
import { useTemporaryLocalStorage } from '@/test/ingest';
import { startShopifyFake, type FakeProduct, type ShopifyFake } from '@/test/shopify-fake';
import { listConflicts, type ConnectionView } from './index';

/**
 * Issue 20's "Done when" for Shopify, end to end against the fake shop (test/shopify-fake.ts), through the real
 * routes, jobs and Shopify connector: connect with a client id and secret, sync, approve, write back, a
 * shop-side edit kept as a conflict and decided, undo, the token expiring mid-run, a spent query budget, an
 * incremental sync. One shop for the file; the cases run in order, as a shop's day does.
 */

const database = useTestDatabase();
const storage = useTemporaryLocalStorage();
let shop: ShopifyFake;
let admin: TestAccount;
let connection: ConnectionView;
let shirt: FakeProduct;
let scarf: FakeProduct;
let bowls: FakeProduct;

/** Runs writebacks until none is left, retries (a busy shop) made due at once. */
const { assetOf, writeInReview, sync } = connectionSteps(() => ({ db: database().db, admin, connectionId: connection.id }));

async function writeEverything(): Promise<number> {
  let rounds = 0;
  for (;;) {
    await runConnectionJobs(database().db, 'writeback', true);
    rounds += 1;
    if (!(await writebacksLeft(database().db)) || rounds > 50) return rounds;
  }
}

describe('a Shopify shop (the fake), end to end', () => {
  beforeAll(async () => {
    allowPrivateStores(true);
    admin = await makeAccount(database().db, 'admin');
    shop = await startShopifyFake({ restoreRate: 10_000 });
    shirt = shop.addProduct({
      title: 'Linen shirt',
      handle: 'linen-shirt',
      skus: ['LS-S', 'LS-M'],
      collections: ['Shirts'],
      images: [
        { alt: 'Linen shirt, front', bytes: await photo(1) },
        { alt: '', bytes: await photo(2) },
      ],
    });
    scarf = shop.addProduct({ title: 'Wool scarf', handle: 'wool-scarf', skus: ['WS-1'], images: [{ alt: 'Blue wool scarf', bytes: await photo(3) }] });
    bowls = shop.addProduct({ title: 'Bowls', images: await Promise.all([4, 5, 6, 7, 8, 9].map(async (seed) => ({ bytes: await photo(seed) }))) });
    // Past the second the incremental filter looks back over.
    shop.advance(5000);
  }, 60_000);

  afterAll(async () => {
    await shop?.stop();
    delete process.env.CONNECTIONS_ALLOW_PRIVATE;
    resetConfig();
  });

  it('connects through the API with a client id and secret, and refuses a wrong secret', async () => {
    const body = { kind: 'shopify', name: 'Linen & Co', shop: shop.url, clientId: shop.client.id, clientSecret: shop.client.secret };
    const wrong = await call(createRoute, { method: 'POST', cookie: admin.cookie, body: { ...body, clientSecret: 'shpss_wrong' } });
    expect([wrong.status, ((await wrong.json()) as { error: { code: string } }).error.code]).toEqual([422, 'store_unauthorized']);
    const response = await call(createRoute, { method: 'POST', cookie: admin.cookie, body });
    expect(response.status).toBe(201);
    const text = await response.text();
    expect(text).not.toContain(shop.client.secret);
    connection = (JSON.parse(text) as { connection: ConnectionView }).connection;
    expect(connection).toMatchObject({ kind: 'shopify', url: shop.url, username: shop.client.id, account: 'linen-co.myshopify.com', status: 'active' });
    const row = await connectionRow(database().db, connection.id);
    expect(row.settings).toEqual({});
    expect(JSON.stringify(row)).not.toContain(shop.client.secret);
  });

  it('syncs every MediaImage in with the shop’s alt text and its product', async () => {
    const run = await sync();
    expect(run).toMatchObject({ outcome: 'done', counts: { seen: 9, created: 9, failed: 0 } });
    expect(await assetOf(shirt.media[0])).toMatchObject({ altText: 'Linen shirt, front', altSource: 'shop', altStatus: 'approved', productPosition: 0, state: 'stored' });
    expect(await assetOf(shirt.media[1])).toMatchObject({ altText: null, productPosition: 1 });
    const [product] = await database().db.select().from(products).where(eq(products.remoteId, shirt.id));
    expect(product).toMatchObject({ title: 'Linen shirt', handle: 'linen-shirt', sku: 'LS-S, LS-M', collection: 'Shirts', connectionId: connection.id });
    expect((await assetOf(shirt.media[1])).productId).toBe(product.id);
    const stored = await storage().storage.head((await assetOf(scarf.media[0])).originalKey);
    expect(stored?.size).toBe(shop.media.get(scarf.media[0])?.bytes.length);
  });

  it('writes a text approved in Loupe to Shopify with fileUpdate', async () => {
    await writeInReview(shirt.media[1], 'Linen shirt, back view, on a wooden hanger');
    await runConnectionJobs(database().db, 'writeback');
    expect(shop.media.get(shirt.media[1])?.alt).toBe('Linen shirt, back view, on a wooden hanger');
    expect(await remoteOf(database().db, shirt.media[1])).toMatchObject({ status: 'in_sync', previousAlt: '' });
  });

  it('never overwrites a shop-side edit: a conflict, decided in review, then written', async () => {
    shop.editAlt(shirt.media[0], 'Edited in the shop');
    const asset = await writeInReview(shirt.media[0], 'Linen shirt, front, buttoned');
    await runConnectionJobs(database().db, 'writeback');
    expect(shop.media.get(shirt.media[0])?.alt).toBe('Edited in the shop');
    expect(await remoteOf(database().db, shirt.media[0])).toMatchObject({ status: 'conflict', remoteAlt: 'Edited in the shop' });
    const { conflicts } = await listConflicts(database().db, storage().storage);
    expect(conflicts).toEqual([expect.objectContaining({ remoteId: shirt.media[0], loupeText: 'Linen shirt, front, buttoned', storeText: 'Edited in the shop' })]);
    const decided = await call(conflictRoute, { method: 'POST', cookie: admin.cookie, params: { id: connection.id, remoteId: shirt.media[0] }, body: { keep: 'loupe', version: asset.version } });
    expect(decided.status).toBe(200);
    await runConnectionJobs(database().db, 'writeback');
    expect(shop.media.get(shirt.media[0])?.alt).toBe('Linen shirt, front, buttoned');
    expect(await remoteOf(database().db, shirt.media[0])).toMatchObject({ status: 'in_sync', previousAlt: 'Edited in the shop' });
  });

  it('undo puts Shopify’s previous text back', async () => {
    const remote = await remoteOf(database().db, shirt.media[0]);
    const response = await call(undoRoute, { method: 'POST', cookie: admin.cookie, params: { id: connection.id, runId: remote.lastRunId ?? '' }, body: {} });
    expect(response.status).toBe(202);
    await runConnectionJobs(database().db, 'writeback');
    expect(shop.media.get(shirt.media[0])?.alt).toBe('Edited in the shop');
    expect(shop.media.get(shirt.media[1])?.alt).toBe('Linen shirt, back view, on a wooden hanger');
  });

  it('renews an expired token mid-run: the writeback goes through', async () => {
    const grants = shop.calls.tokenGrants;
    const refused = shop.calls.unauthorized;
    await writeInReview(scarf.media[0], 'Blue wool scarf, folded');
    // A day passes in the shop: the token it granted has expired; Loupe's process has not seen that yet.
    shop.advance(25 * 60 * 60 * 1000);
    const summary = await runConnectionJobs(database().db, 'writeback');
    expect(summary).toMatchObject({ failed: 0, retry: 0 });
    expect(shop.media.get(scarf.media[0])?.alt).toBe('Blue wool scarf, folded');
    expect(shop.calls.unauthorized).toBe(refused + 1);
    expect(shop.calls.tokenGrants).toBe(grants + 1);
    expect(await connectionRow(database().db, connection.id)).toMatchObject({ status: 'active' });
  });

  it('loses no write when the query budget is spent: one THROTTLED, then paced', async () => {
    shop.bucket.maximumAvailable = 30;
    shop.bucket.restoreRate = 300;
    shop.drain();
    const before = { throttled: shop.calls.throttled, twice: shop.calls.throttledTwice };
    for (const [n, id] of bowls.media.entries()) await writeInReview(id, `Stoneware bowl ${n + 1}, sand glaze`);
    await writeEverything();
    expect(bowls.media.map((id) => shop.media.get(id)?.alt)).toEqual(bowls.media.map((_, n) => `Stoneware bowl ${n + 1}, sand glaze`));
    for (const id of bowls.media) expect(await remoteOf(database().db, id)).toMatchObject({ status: 'in_sync' });
    expect(shop.calls.throttledTwice - before.twice).toBe(0);
    expect(shop.calls.throttled - before.throttled).toBeLessThanOrEqual(1);
    expect(shopifyPaceStats(shop.url).throttledTwice).toBe(0);
    shop.bucket.maximumAvailable = 1000;
    shop.bucket.restoreRate = 10_000;
  });

  it('a later sync takes only the products that changed', async () => {
    shop.advance(5000);
    const untouched = shop.addProduct({ title: 'Enamel jug', images: [{ alt: 'White enamel jug', bytes: await photo(10) }] });
    // Past the second the filter looks back over, so the next sync does not see the jug again.
    shop.advance(5000);
    const run = await sync();
    // Written by Loupe since the last sync (shirt, scarf, bowls: their products' updated time moved), and the new jug.
    expect(run).toMatchObject({ outcome: 'done', counts: { created: 1, failed: 0 } });
    expect(run.counts.seen).toBe(shirt.media.length + scarf.media.length + bowls.media.length + 1);
    expect(await assetOf(untouched.media[0])).toMatchObject({ altText: 'White enamel jug', altSource: 'shop' });
    shop.advance(5000);
    const quiet = await sync();
    expect(quiet).toMatchObject({ outcome: 'done', counts: { seen: 0 } });
  });

  it('shows the connection’s status with its photos by writeback state', async () => {
    const answer = (await (await call(getRoute, { cookie: admin.cookie, params: { id: connection.id } })).json()) as { connection: ConnectionView };
    expect(answer.connection).toMatchObject({ kind: 'shopify', status: 'active', images: { total: 10, conflict: 0, failed: 0 } });
  });
});
