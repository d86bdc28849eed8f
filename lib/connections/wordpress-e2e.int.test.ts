import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as conflictRoute } from '@/app/api/connections/[id]/conflicts/[remoteId]/route';
import { POST as undoRoute } from '@/app/api/connections/[id]/runs/[runId]/undo/route';
import { GET as runsRoute } from '@/app/api/connections/[id]/runs/route';
import { POST as syncRoute } from '@/app/api/connections/[id]/sync/route';
import { POST as createRoute } from '@/app/api/connections/route';
import { assets, jobs, products, type Asset } from '@/db/schema';
import { resetConfig } from '@/lib/config';
import { checkItems, decide } from '@/lib/review';
import { call, makeAccount, type TestAccount } from '@/test/auth';
import { allowPrivateStores, connectionRow, remoteOf, runConnectionJobs } from '@/test/connections';
import { useTestDatabase } from '@/test/db';
import { useTemporaryLocalStorage } from '@/test/ingest';
import { seedProduct, setWooCommerce } from '@/test/woocommerce-fake';
import { startWordPress, wordpressAvailable, type WordPressSite } from '@/test/wordpress';
import { countWrites, writesOf } from '@/test/wordpress-loupe';
import { listConflicts, type ConnectionView, type RunView } from './index';

/**
 * Issue 18's "Done when", end to end against a real WordPress (test/wordpress.ts) with WooCommerce's product API
 * (test/woocommerce-fake.ts), through the real routes, jobs and WordPress connector at its own pace: connect,
 * sync, approve, write back, a shop-side edit kept as a conflict and decided, undo, an incremental sync, and a
 * password revoked mid-run. One site for the file, seeded once; the cases run in order, as a shop's day does.
 */

const database = useTestDatabase();
const storage = useTemporaryLocalStorage();
const OLD = '2024-03-01T10:00:00Z';
let site: WordPressSite;
let admin: TestAccount;
let connection: ConnectionView;
const ids = { shirtFront: 0, shirtBack: 0, scarf: 0, mug: 0, hat: 0, post: 0, product: 0, later: 0 };

async function assetOf(remoteId: number): Promise<Asset> {
  const [asset] = await database().db.select().from(assets).where(eq(assets.id, (await remoteOf(database().db, String(remoteId))).assetId));
  return asset;
}

/** A person writes the text in Loupe's review queue (lib/review's decision module): approved as it stands. */
async function writeInReview(remoteId: number, text: string): Promise<Asset> {
  const asset = await assetOf(remoteId);
  const { valid, invalid } = checkItems('edit', [{ id: asset.id, version: asset.version, text }]);
  expect(invalid).toEqual([]);
  const { results } = await decide(database().db, 'edit', valid, { userId: admin.id, name: 'Test admin', kind: 'person' });
  expect(results).toEqual([expect.objectContaining({ outcome: 'done' })]);
  const approved = await assetOf(remoteId);
  expect(approved).toMatchObject({ altText: text, altStatus: 'approved' });
  // The decision's alt_text event queued the writeback (lib/events' outbox, writebackSubscriber): nothing by hand.
  const queued = await database().db.select().from(jobs).where(and(eq(jobs.assetId, approved.id), eq(jobs.kind, 'writeback'), eq(jobs.status, 'pending')));
  expect(queued).toHaveLength(1);
  return approved;
}

async function sync(): Promise<RunView> {
  const response = await call(syncRoute, { method: 'POST', cookie: admin.cookie, params: { id: connection.id } });
  expect(response.status).toBe(202);
  const { run } = (await response.json()) as { run: RunView };
  await runConnectionJobs(database().db, 'sync');
  return (await runs()).find((entry) => entry.id === run.id)!;
}

async function runs(): Promise<RunView[]> {
  return ((await (await call(runsRoute, { cookie: admin.cookie, params: { id: connection.id } })).json()) as { runs: RunView[] }).runs;
}

describe.skipIf(!wordpressAvailable())('a real WordPress shop, end to end', () => {
  beforeAll(async () => {
    allowPrivateStores(true);
    admin = await makeAccount(database().db, 'admin');
    site = await startWordPress({ workers: 2 });
    countWrites(site);
    setWooCommerce(site, true);
    ids.post = await site.createPost('Stoneware mug', ['Kitchen']);
    // Pinned in the past, so the incremental sync below can tell them from what changed since.
    [ids.shirtFront, ids.shirtBack, ids.scarf, ids.mug, ids.hat] = await site.seedMedia([
      { file: '10053.jpg', alt: 'Linen shirt, front', modifiedGmt: OLD },
      { file: '10439.jpg', alt: '', modifiedGmt: OLD },
      { file: '10633.jpg', alt: 'Blue wool scarf', modifiedGmt: OLD },
      { file: '10656.jpg', alt: '', parent: ids.post, modifiedGmt: OLD },
      { file: '10866.jpg', alt: 'Straw hat', modifiedGmt: OLD },
    ]);
    ids.product = await seedProduct(site, { name: 'Linen shirt', sku: 'LS-1', slug: 'linen-shirt', categories: ['Shirts'], imageIds: [ids.shirtFront, ids.shirtBack] });
  }, 180_000);

  afterAll(async () => {
    await site?.stop();
    delete process.env.CONNECTIONS_ALLOW_PRIVATE;
    resetConfig();
  });

  it('connects through the API with the site’s application password, and refuses a wrong one', async () => {
    const body = { kind: 'wordpress', name: 'Linen & Co', url: site.url, username: site.username, applicationPassword: site.applicationPassword };
    const wrong = await call(createRoute, { method: 'POST', cookie: admin.cookie, body: { ...body, applicationPassword: 'abcd efgh ijkl mnop qrst uvwx' } });
    const refusal = (await wrong.json()) as { error: { code: string } };
    expect([wrong.status, refusal]).toEqual([422, expect.objectContaining({ error: expect.objectContaining({ code: 'store_unauthorized' }) })]);
    const response = await call(createRoute, { method: 'POST', cookie: admin.cookie, body });
    expect(response.status).toBe(201);
    connection = ((await response.json()) as { connection: ConnectionView }).connection;
    expect(connection).toMatchObject({ kind: 'wordpress', url: site.url, account: expect.any(String), status: 'active' });
    expect(JSON.stringify(connection)).not.toContain(site.applicationPassword);
  });

  it('syncs the real photos in with the shop’s alt text and their WooCommerce products (parent post without one)', async () => {
    const run = await sync();
    expect(run).toMatchObject({ outcome: 'done', counts: { seen: 5, created: 5, failed: 0 } });
    expect(await assetOf(ids.shirtFront)).toMatchObject({ altText: 'Linen shirt, front', altSource: 'shop', altStatus: 'approved', productPosition: 0, state: 'stored' });
    expect(await assetOf(ids.shirtBack)).toMatchObject({ altText: null, altStatus: 'none', productPosition: 1 });
    const shirt = (await database().db.select().from(products).where(eq(products.remoteId, String(ids.product))))[0];
    expect(shirt).toMatchObject({ title: 'Linen shirt', sku: 'LS-1', collection: 'Shirts', connectionId: connection.id });
    expect((await assetOf(ids.shirtFront)).productId).toBe(shirt.id);
    expect((await assetOf(ids.shirtBack)).productId).toBe(shirt.id);
    // Not in any WooCommerce product: its parent post is its product.
    const [mugProduct] = await database().db.select().from(products).where(and(eq(products.connectionId, connection.id), eq(products.remoteId, String(ids.post))));
    expect(mugProduct).toMatchObject({ title: 'Stoneware mug' });
    expect((await assetOf(ids.mug)).productId).toBe(mugProduct.id);
    expect((await assetOf(ids.hat)).productId).toBeNull();
    // The originals are the shop's very files.
    const stored = await storage().storage.head((await assetOf(ids.scarf)).originalKey);
    expect(stored?.size).toBeGreaterThan(1000);
  });

  it('writes a text approved in Loupe to WordPress, once', async () => {
    await writeInReview(ids.shirtBack, 'Linen shirt, back view, on a wooden hanger');
    await runConnectionJobs(database().db, 'writeback');
    expect(await site.readAlt(ids.shirtBack)).toBe('Linen shirt, back view, on a wooden hanger');
    expect(await remoteOf(database().db, String(ids.shirtBack))).toMatchObject({ status: 'in_sync', previousAlt: '' });
    expect(writesOf(site)).toEqual([ids.shirtBack]);
  });

  it('never overwrites a shop-side edit: a conflict, decided in review, then written', async () => {
    await site.editAlt(ids.shirtFront, 'Edited in the shop');
    const asset = await writeInReview(ids.shirtFront, 'Linen shirt, front, buttoned');
    await runConnectionJobs(database().db, 'writeback');
    expect(await site.readAlt(ids.shirtFront)).toBe('Edited in the shop');
    expect(await remoteOf(database().db, String(ids.shirtFront))).toMatchObject({ status: 'conflict', remoteAlt: 'Edited in the shop' });
    const { conflicts } = await listConflicts(database().db, storage().storage);
    expect(conflicts).toEqual([expect.objectContaining({ remoteId: String(ids.shirtFront), loupeText: 'Linen shirt, front, buttoned', storeText: 'Edited in the shop' })]);
    expect(writesOf(site)).toEqual([ids.shirtBack]);

    const decided = await call(conflictRoute, { method: 'POST', cookie: admin.cookie, params: { id: connection.id, remoteId: String(ids.shirtFront) }, body: { keep: 'loupe', version: asset.version } });
    expect(decided.status).toBe(200);
    await runConnectionJobs(database().db, 'writeback');
    expect(await site.readAlt(ids.shirtFront)).toBe('Linen shirt, front, buttoned');
    expect(await remoteOf(database().db, String(ids.shirtFront))).toMatchObject({ status: 'in_sync', previousAlt: 'Edited in the shop' });
  });

  it('undo puts WordPress’s previous text back', async () => {
    const remote = await remoteOf(database().db, String(ids.shirtFront));
    const response = await call(undoRoute, { method: 'POST', cookie: admin.cookie, params: { id: connection.id, runId: remote.lastRunId ?? '' }, body: {} });
    expect(response.status).toBe(202);
    await runConnectionJobs(database().db, 'writeback');
    expect(await site.readAlt(ids.shirtFront)).toBe('Edited in the shop');
    expect(await site.readAlt(ids.shirtBack)).toBe('Linen shirt, back view, on a wooden hanger');
    expect(writesOf(site)).toEqual([ids.shirtBack, ids.shirtFront, ids.shirtFront]);
  });

  it('a later sync takes only what changed (WooCommerce gone: the parent post is the product)', async () => {
    setWooCommerce(site, false);
    const newPost = await site.createPost('Enamel jug', ['Kitchen']);
    [ids.later] = await site.seedMedia([{ file: '11379.jpg', alt: 'White enamel jug', parent: newPost }]);
    await site.editAlt(ids.hat, 'Straw hat with a black band');
    const run = await sync();
    // The two written by Loupe (their modified time moved), the hat edited in the shop, the new jug: not the scarf, not the mug.
    expect(run).toMatchObject({ outcome: 'done', counts: { seen: 4, created: 1, failed: 0 } });
    expect(await assetOf(ids.later)).toMatchObject({ altText: 'White enamel jug', altSource: 'shop' });
    const [jug] = await database().db.select().from(products).where(and(eq(products.connectionId, connection.id), eq(products.remoteId, String(newPost))));
    expect(jug).toMatchObject({ title: 'Enamel jug' });
    expect((await assetOf(ids.later)).productId).toBe(jug.id);
    expect(await assetOf(ids.hat)).toMatchObject({ altText: 'Straw hat with a black band', altSource: 'shop' });
    expect(writesOf(site)).toHaveLength(3);
  });

  it('pauses the connection when the password is revoked mid-run, with a message and no retry storm', async () => {
    await writeInReview(ids.scarf, 'Blue wool scarf, folded');
    await writeInReview(ids.mug, 'Stoneware mug, sand glaze');
    await site.revokePasswords();
    const first = await runConnectionJobs(database().db, 'writeback');
    expect(first).toMatchObject({ failed: 1, retry: 0 });
    expect(await connectionRow(database().db, connection.id)).toMatchObject({ status: 'paused', statusMessage: expect.stringMatching(/refused Loupe's credentials/) });
    const [paused] = (await runs()).filter((run) => run.kind === 'writeback' && run.outcome === 'paused');
    expect(paused.errors).toEqual([expect.objectContaining({ code: 'unauthorized' })]);
    // Made due again by hand: nothing calls the store while the connection is paused.
    const again = await runConnectionJobs(database().db, 'writeback', true);
    expect(again.failed + again.retry).toBe(0);
    const due = await database().db.select().from(jobs).where(and(eq(jobs.kind, 'writeback'), eq(jobs.status, 'pending')));
    expect(due).toEqual([]);
    expect(await site.readAlt(ids.scarf)).toBe('Blue wool scarf');
    expect(writesOf(site)).toHaveLength(3);
    const refused = await call(syncRoute, { method: 'POST', cookie: admin.cookie, params: { id: connection.id } });
    expect(refused.status).toBe(409);
  });
});

