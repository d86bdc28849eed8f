import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as runsRoute } from '@/app/api/connections/[id]/runs/route';
import { POST as syncRoute } from '@/app/api/connections/[id]/sync/route';
import { POST as createRoute } from '@/app/api/connections/route';
import { altTexts, jobs } from '@/db/schema';
import { editLocaleText, ensureRecords } from '@/lib/alt';
import { resetConfig } from '@/lib/config';
import { call, makeAccount, type TestAccount } from '@/test/auth';
import { allowPrivateStores, connectStore, fakeStore, photo, remoteOf, runConnectionJobs, type FakeStore } from '@/test/connections';
import { useTestDatabase } from '@/test/db';
import { startDrupalFake, type DrupalFake, type FakeEntity, type FakeFile } from '@/test/drupal-fake';
import { useTemporaryLocalStorage } from '@/test/ingest';
import { startShopifyFake, type FakeProduct, type ShopifyFake } from '@/test/shopify-fake';
import { requestWriteback, updateConnection, useConnectorForTests, type ConnectionView, type RunView } from './index';

/**
 * Issue 20: a non-source locale's approved text goes out to the store's translation of the image (Drupal's
 * /{lang}/jsonapi, Shopify's translationsRegister), through the real subscriber, job and connectors; a
 * translation Drupal lacks is reported in the run log and not created; WordPress, without translations, is not
 * called. The same shirt photo is in the three stores. LOCALES=en,fr.
 */

const database = useTestDatabase();
useTemporaryLocalStorage();
let fake: DrupalFake;
let admin: TestAccount;
let connection: ConnectionView;
let shopifyConnection: ConnectionView;
let shop: ShopifyFake;
let shopShirt: FakeProduct;
let wordpress: FakeStore;
let shirt: FakeEntity;
let scarf: FakeEntity;
let mug: FakeEntity;
const files: Record<'front' | 'scarf' | 'mug', FakeFile> = {} as never;
const saved = process.env.LOCALES;

const remote = (entity: FakeEntity, file: FakeFile) => `${entity.uuid}:${file.uuid}`;

/** A person writes (and so approves) the French text; its events queue the writeback. */
async function approveFrench(remoteId: string, text: string): Promise<void> {
  const assetId = (await remoteOf(database().db, remoteId)).assetId;
  await ensureRecords(database().db, [assetId], 'fr');
  const [record] = await database().db.select({ version: altTexts.version }).from(altTexts).where(and(eq(altTexts.assetId, assetId), eq(altTexts.locale, 'fr')));
  const written = await database().db.transaction((tx) => editLocaleText(tx, { assetId, locale: 'fr', text, decorative: false, version: record.version, editor: { userId: admin.id, name: 'Test admin', kind: 'person' } }));
  expect(written).toMatchObject({ status: 'approved', text });
}

async function runs(id = connection.id): Promise<RunView[]> {
  return ((await (await call(runsRoute, { cookie: admin.cookie, params: { id } })).json()) as { runs: RunView[] }).runs;
}

async function connect(body: Record<string, unknown>): Promise<ConnectionView> {
  const response = await call(createRoute, { method: 'POST', cookie: admin.cookie, body });
  expect(response.status).toBe(201);
  const created = ((await response.json()) as { connection: ConnectionView }).connection;
  expect((await call(syncRoute, { method: 'POST', cookie: admin.cookie, params: { id: created.id } })).status).toBe(202);
  return created;
}

describe('translations written back to the stores', () => {
  beforeAll(async () => {
    process.env.LOCALES = 'en,fr';
    resetConfig();
    allowPrivateStores(true);
    admin = await makeAccount(database().db, 'admin');
    fake = await startDrupalFake();
    const [front, scarfBytes, mugBytes] = await Promise.all([1, 2, 3].map((seed) => photo(seed)));
    files.front = fake.addFile('shirt-front.jpg', front);
    files.scarf = fake.addFile('scarf.jpg', scarfBytes);
    files.mug = fake.addFile('mug.jpg', mugBytes);
    shirt = fake.addEntity(fake.bundles[0], { title: 'Linen shirt', images: [{ fileUuid: files.front.uuid, alt: 'Linen shirt, front' }] });
    scarf = fake.addEntity(fake.bundles[0], { title: 'Wool scarf', images: [{ fileUuid: files.scarf.uuid, alt: 'Blue wool scarf' }] });
    mug = fake.addEntity(fake.bundles[0], { title: 'Stoneware mug', images: [{ fileUuid: files.mug.uuid, alt: 'Grey stoneware mug' }] });
    fake.addTranslation(shirt.uuid, 'fr', { title: 'Chemise en lin', alts: [''] });
    fake.addTranslation(mug.uuid, 'fr', { title: 'Tasse en grès', alts: [''] });
    connection = await connect({ kind: 'drupal', name: 'Linen & Co', url: fake.url, username: fake.username, password: fake.password });

    shop = await startShopifyFake({ restoreRate: 10_000, locales: ['en', 'fr'] });
    shopShirt = shop.addProduct({ title: 'Linen shirt', handle: 'linen-shirt', images: [{ alt: 'Linen shirt, front', bytes: front }] });
    shopifyConnection = await connect({ kind: 'shopify', name: 'Linen & Co (Shopify)', shop: shop.url, clientId: shop.client.id, clientSecret: shop.client.secret });

    wordpress = fakeStore();
    useConnectorForTests(wordpress.connector);
    const wordpressConnection = await connectStore(database().db, wordpress);
    wordpress.add({ remoteId: '1', bytes: front, altText: 'Linen shirt, front' });
    expect((await call(syncRoute, { method: 'POST', cookie: admin.cookie, params: { id: wordpressConnection.id } })).status).toBe(202);
    await runConnectionJobs(database().db, 'sync');
    // One photo, three stores.
    const shirtAsset = (await remoteOf(database().db, remote(shirt, files.front))).assetId;
    expect((await remoteOf(database().db, shopShirt.media[0])).assetId).toBe(shirtAsset);
    expect((await remoteOf(database().db, '1')).assetId).toBe(shirtAsset);
  }, 60_000);

  afterAll(async () => {
    await fake?.close();
    await shop?.stop();
    useConnectorForTests(undefined, 'wordpress');
    process.env.LOCALES = saved;
    if (saved === undefined) delete process.env.LOCALES;
    resetConfig();
  });

  it('writes an approved French text to the image’s French translation in Drupal and Shopify, not to WordPress', async () => {
    await approveFrench(remote(shirt, files.front), 'Chemise en lin, vue de face');
    await runConnectionJobs(database().db, 'writeback');
    expect(fake.altOf(shirt.uuid, files.front.uuid, 'fr')).toBe('Chemise en lin, vue de face');
    expect(fake.altOf(shirt.uuid, files.front.uuid, 'en')).toBe('Linen shirt, front');
    const media = shop.media.get(shopShirt.media[0])!;
    expect([media.alt, media.translations.get('fr')]).toEqual(['Linen shirt, front', 'Chemise en lin, vue de face']);
    expect((await runs(shopifyConnection.id))[0]).toMatchObject({ kind: 'writeback', outcome: 'done', counts: expect.objectContaining({ written: 1, failed: 0 }) });
    expect(wordpress.calls.write).toEqual([]);
    expect(wordpress.calls.read).toEqual([]);
    expect((await runs())[0]).toMatchObject({ kind: 'writeback', outcome: 'done', counts: expect.objectContaining({ written: 1, failed: 0 }) });
  });

  it('reports a translation Drupal does not have in the run log, and creates none', async () => {
    await approveFrench(remote(scarf, files.scarf), 'Écharpe en laine bleue');
    await runConnectionJobs(database().db, 'writeback');
    expect(fake.altOf(scarf.uuid, files.scarf.uuid, 'fr')).toBeUndefined();
    const [run] = await runs();
    expect(run).toMatchObject({ kind: 'writeback', outcome: 'failed', counts: expect.objectContaining({ written: 0, failed: 1 }), errors: [expect.objectContaining({ code: 'not_found', message: expect.stringContaining('no “fr” translation') })] });
    const left = await database().db.select().from(jobs).where(and(eq(jobs.kind, 'writeback'), eq(jobs.status, 'pending')));
    expect(left).toEqual([]);
  });

  it('tries a busy store again later, with one run in the log once written', async () => {
    const before = (await runs()).length;
    fake.failNext({ status: 503, detail: 'Down for maintenance.', match: (method, path) => method === 'PATCH' && path.startsWith('/fr/jsonapi/') });
    await approveFrench(remote(mug, files.mug), 'Tasse en grès gris');
    await runConnectionJobs(database().db, 'writeback');
    expect(fake.altOf(mug.uuid, files.mug.uuid, 'fr')).toBe('');
    expect(await runs()).toHaveLength(before);
    await runConnectionJobs(database().db, 'writeback', true);
    expect(fake.altOf(mug.uuid, files.mug.uuid, 'fr')).toBe('Tasse en grès gris');
    const all = await runs();
    expect([all.length, all[0]]).toEqual([before + 1, expect.objectContaining({ outcome: 'done', counts: expect.objectContaining({ written: 1, failed: 0 }) })]);
  });

  it('in manual mode, waits for “write back” and then sends the approved translations the store lacks, once', async () => {
    expect((await updateConnection(database().db, shopifyConnection.id, { writebackMode: 'manual' })).ok).toBe(true);
    await approveFrench(remote(shirt, files.front), 'Chemise en lin blanc, vue de face');
    await runConnectionJobs(database().db, 'writeback');
    const media = shop.media.get(shopShirt.media[0])!;
    expect(media.translations.get('fr')).toBe('Chemise en lin, vue de face');
    expect(await requestWriteback(database().db, shopifyConnection.id)).toEqual({ ok: true, queued: 1 });
    await runConnectionJobs(database().db, 'writeback');
    expect(media.translations.get('fr')).toBe('Chemise en lin blanc, vue de face');
    expect(await requestWriteback(database().db, shopifyConnection.id)).toEqual({ ok: true, queued: 0 });
  });
});
