import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as conflictRoute } from '@/app/api/connections/[id]/conflicts/[remoteId]/route';
import { POST as undoRoute } from '@/app/api/connections/[id]/runs/[runId]/undo/route';
import { GET as connectionRoute } from '@/app/api/connections/[id]/route';
import { POST as createRoute } from '@/app/api/connections/route';
import { connections, jobs, products } from '@/db/schema';
import { resetConfig } from '@/lib/config';
import { call, makeAccount, type TestAccount } from '@/test/auth';
import { allowPrivateStores, connectionRow, connectionSteps, photo, remoteOf, runConnectionJobs } from '@/test/connections';
import { useTestDatabase } from '@/test/db';
import { startDrupalFake, type Bundle, type DrupalFake, type FakeEntity, type FakeFile } from '@/test/drupal-fake';
import { useTemporaryLocalStorage } from '@/test/ingest';
import { listConflicts, WRITEBACK_MAX_ATTEMPTS, type ConnectionView } from './index';

/**
 * Issue 20's Drupal side, end to end against the JSON:API fake (test/drupal-fake.ts), through the real routes,
 * jobs and Drupal connector: connect (the image field checked), sync entities and their images in, approve,
 * write back through meta.alt, a Drupal-side edit kept as a conflict and decided, undo, an incremental sync, an
 * alt the field does not keep, and a password changed in Drupal mid-run. The cases run in order, as a day does.
 */

const database = useTestDatabase();
const storage = useTemporaryLocalStorage();
const ARTICLE: Bundle = { entityType: 'node', bundle: 'article', field: 'field_image' };
const OLD = Math.floor(Date.parse('2024-03-01T10:00:00Z') / 1000);
let fake: DrupalFake;
let admin: TestAccount;
let connection: ConnectionView;
let shirt: FakeEntity;
let scarf: FakeEntity;
let mug: FakeEntity;
const files: Record<'front' | 'back' | 'scarf' | 'mug' | 'jug', FakeFile> = {} as never;

const remote = (entity: FakeEntity, file: FakeFile) => `${entity.uuid}:${file.uuid}`;

const { assetOf, writeInReview, runs, sync } = connectionSteps(() => ({ db: database().db, admin, connectionId: connection.id }));

const patchesOf = () => fake.patches.filter((patch) => patch.path.startsWith('/jsonapi/')).length;

describe('a Drupal site, end to end', () => {
  beforeAll(async () => {
    allowPrivateStores(true);
    admin = await makeAccount(database().db, 'admin');
    fake = await startDrupalFake();
    fake.now = OLD;
    const [front, back, scarfBytes, mugBytes, jug] = await Promise.all([1, 2, 3, 4, 5].map((seed) => photo(seed)));
    files.front = fake.addFile('shirt-front.jpg', front);
    files.back = fake.addFile('shirt-back.jpg', back);
    files.scarf = fake.addFile('scarf.jpg', scarfBytes);
    files.mug = fake.addFile('mug.jpg', mugBytes);
    files.jug = fake.addFile('jug.jpg', jug);
    shirt = fake.addEntity(ARTICLE, { title: 'Linen shirt', images: [{ fileUuid: files.front.uuid, alt: 'Linen shirt, front' }, { fileUuid: files.back.uuid }] });
    scarf = fake.addEntity(ARTICLE, { title: 'Wool scarf', images: [{ fileUuid: files.scarf.uuid, alt: 'Blue wool scarf' }] });
    mug = fake.addEntity(ARTICLE, { title: 'Stoneware mug', images: [{ fileUuid: files.mug.uuid }] });
  });

  afterAll(async () => {
    await fake?.close();
    delete process.env.CONNECTIONS_ALLOW_PRIVATE;
    resetConfig();
  });

  it('connects through the API, checking the credentials and the image field, and refuses what does not hold', async () => {
    const body = { kind: 'drupal', name: 'Linen & Co (Drupal)', url: fake.url, username: fake.username, password: fake.password };
    const wrong = await call(createRoute, { method: 'POST', cookie: admin.cookie, body: { ...body, password: 'not-it' } });
    expect([wrong.status, ((await wrong.json()) as { error: { code: string } }).error.code]).toEqual([422, 'store_unauthorized']);
    const noField = await call(createRoute, { method: 'POST', cookie: admin.cookie, body: { ...body, field: 'field_photo' } });
    const noFieldError = ((await noField.json()) as { error: { code: string; message: string } }).error;
    expect(noFieldError).toMatchObject({ code: 'store_error', message: expect.stringContaining('field_photo') });
    const both = await call(createRoute, { method: 'POST', cookie: admin.cookie, body: { ...body, token: fake.token } });
    expect([both.status, ((await both.json()) as { error: { message: string } }).error.message]).toEqual([422, expect.stringContaining('not both')]);
    expect(await database().db.select().from(connections)).toEqual([]);

    const response = await call(createRoute, { method: 'POST', cookie: admin.cookie, body });
    expect(response.status).toBe(201);
    connection = ((await response.json()) as { connection: ConnectionView }).connection;
    expect(connection).toMatchObject({ kind: 'drupal', url: fake.url, account: 'Catalogue editor', status: 'active' });
    expect(JSON.stringify(connection)).not.toContain(fake.password);
    // No entity type, bundle or field sent: the Standard profile's article image.
    expect((await connectionRow(database().db, connection.id)).settings).toEqual({ entityType: 'node', bundle: 'article', field: 'field_image' });
  });

  it('syncs each entity’s images in with their alt text, the entity as their product', async () => {
    fake.now = OLD + 50;
    const run = await sync();
    expect(run).toMatchObject({ outcome: 'done', counts: { seen: 4, created: 4, failed: 0 } });
    expect(await assetOf(remote(shirt, files.front))).toMatchObject({ altText: 'Linen shirt, front', altSource: 'shop', altStatus: 'approved', productPosition: 0, state: 'stored' });
    expect(await assetOf(remote(shirt, files.back))).toMatchObject({ altText: null, altStatus: 'none', productPosition: 1 });
    const [product] = await database().db.select().from(products).where(and(eq(products.connectionId, connection.id), eq(products.remoteId, shirt.uuid)));
    expect(product).toMatchObject({ title: 'Linen shirt' });
    expect((await assetOf(remote(shirt, files.back))).productId).toBe(product.id);
    const stored = await storage().storage.head((await assetOf(remote(scarf, files.scarf))).originalKey);
    expect(stored?.size).toBe(files.scarf.bytes.length);
  });

  it('writes a text approved in Loupe to Drupal’s meta.alt, once', async () => {
    await writeInReview(remote(shirt, files.back), 'Linen shirt, back view, on a wooden hanger');
    await runConnectionJobs(database().db, 'writeback');
    expect(fake.altOf(shirt.uuid, files.back.uuid)).toBe('Linen shirt, back view, on a wooden hanger');
    expect(fake.altOf(shirt.uuid, files.front.uuid)).toBe('Linen shirt, front');
    expect(await remoteOf(database().db, remote(shirt, files.back))).toMatchObject({ status: 'in_sync', previousAlt: '' });
    expect(patchesOf()).toBe(1);
  });

  it('never overwrites an edit made in Drupal: a conflict, decided in review, then written', async () => {
    fake.now = OLD + 100;
    fake.editAlt(shirt.uuid, files.front.uuid, 'Edited in Drupal');
    const asset = await writeInReview(remote(shirt, files.front), 'Linen shirt, front, buttoned');
    await runConnectionJobs(database().db, 'writeback');
    expect(fake.altOf(shirt.uuid, files.front.uuid)).toBe('Edited in Drupal');
    expect(await remoteOf(database().db, remote(shirt, files.front))).toMatchObject({ status: 'conflict', remoteAlt: 'Edited in Drupal' });
    const { conflicts } = await listConflicts(database().db, storage().storage);
    expect(conflicts).toEqual([expect.objectContaining({ remoteId: remote(shirt, files.front), loupeText: 'Linen shirt, front, buttoned', storeText: 'Edited in Drupal' })]);
    expect(patchesOf()).toBe(1);

    const decided = await call(conflictRoute, { method: 'POST', cookie: admin.cookie, params: { id: connection.id, remoteId: remote(shirt, files.front) }, body: { keep: 'loupe', version: asset.version } });
    expect(decided.status).toBe(200);
    await runConnectionJobs(database().db, 'writeback');
    expect(fake.altOf(shirt.uuid, files.front.uuid)).toBe('Linen shirt, front, buttoned');
    expect(await remoteOf(database().db, remote(shirt, files.front))).toMatchObject({ status: 'in_sync', previousAlt: 'Edited in Drupal' });
  });

  it('undo puts Drupal’s previous text back', async () => {
    const written = await remoteOf(database().db, remote(shirt, files.front));
    const response = await call(undoRoute, { method: 'POST', cookie: admin.cookie, params: { id: connection.id, runId: written.lastRunId ?? '' }, body: {} });
    expect(response.status).toBe(202);
    await runConnectionJobs(database().db, 'writeback');
    expect(fake.altOf(shirt.uuid, files.front.uuid)).toBe('Edited in Drupal');
    expect(fake.altOf(shirt.uuid, files.back.uuid)).toBe('Linen shirt, back view, on a wooden hanger');
    expect(patchesOf()).toBe(3);
  });

  it('a later sync takes only the entities changed since', async () => {
    fake.now = OLD + 10_000;
    const jug = fake.addEntity(ARTICLE, { title: 'Enamel jug', images: [{ fileUuid: files.jug.uuid, alt: 'White enamel jug' }] });
    fake.editAlt(mug.uuid, files.mug.uuid, 'Stoneware mug, sand glaze');
    const run = await sync();
    // The shirt's two images (written by Loupe: the entity changed), the mug edited in Drupal, the new jug: not the scarf.
    expect(run).toMatchObject({ outcome: 'done', counts: { seen: 4, created: 1, failed: 0 } });
    expect(await assetOf(remote(jug, files.jug))).toMatchObject({ altText: 'White enamel jug', altSource: 'shop' });
    expect(await assetOf(remote(mug, files.mug))).toMatchObject({ altText: 'Stoneware mug, sand glaze', altSource: 'shop' });
  });

  it('waits out a 429 mid-sync and then takes what it had not yet taken', async () => {
    fake.now = OLD + 20_000;
    const kettle = fake.addEntity(ARTICLE, { title: 'Copper kettle', images: [{ fileUuid: files.jug.uuid, alt: 'Copper kettle on a stove' }] });
    fake.failNext({ status: 429, headers: { 'retry-after': '1' }, detail: 'Too many requests.', match: (method, path) => method === 'GET' && path === '/jsonapi/node/article' });
    const refused = await sync();
    expect(refused.outcome).toBe('running');
    expect(refused.errors).toEqual([expect.objectContaining({ code: 'rate_limited' })]);
    await runConnectionJobs(database().db, 'sync', true);
    const [done] = (await runs()).filter((run) => run.id === refused.id);
    // The kettle, and the jug and mug again: changed in the very second the last sync began (`changed` has whole
    // seconds, so that second is asked for again).
    expect(done).toMatchObject({ outcome: 'done', counts: { seen: 3, linked: 3, failed: 0 } });
    const [product] = await database().db.select().from(products).where(and(eq(products.connectionId, connection.id), eq(products.remoteId, kettle.uuid)));
    expect(product).toMatchObject({ title: 'Copper kettle' });
  });

  it('fails the write, with the reason, when the field does not keep the alt', async () => {
    fake.dropsAlt = true;
    try {
      await writeInReview(remote(scarf, files.scarf), 'Blue wool scarf, folded');
      for (let attempt = 0; attempt < WRITEBACK_MAX_ATTEMPTS; attempt += 1) await runConnectionJobs(database().db, 'writeback', true);
      expect(await remoteOf(database().db, remote(scarf, files.scarf))).toMatchObject({ status: 'failed', error: expect.stringContaining('did not keep the alt text') });
      const [failed] = (await runs()).filter((run) => run.kind === 'writeback' && run.outcome === 'failed');
      expect(failed.errors).toEqual([expect.objectContaining({ code: 'remote_error', remoteId: remote(scarf, files.scarf) })]);
    } finally {
      fake.dropsAlt = false;
    }
  });

  it('pauses the connection when the password is changed in Drupal, shows why, and calls Drupal no more', async () => {
    fake.password = 'changed-in-drupal';
    await writeInReview(remote(mug, files.mug), 'Stoneware mug, sand glaze, on oak');
    const first = await runConnectionJobs(database().db, 'writeback');
    expect(first).toMatchObject({ failed: 1, retry: 0 });
    const shown = (await (await call(connectionRoute, { cookie: admin.cookie, params: { id: connection.id } })).json()) as { connection: ConnectionView };
    expect(shown.connection).toMatchObject({ status: 'paused', statusMessage: expect.stringMatching(/refused Loupe's credentials/) });
    const calls = fake.requests.length;
    const again = await runConnectionJobs(database().db, 'writeback', true);
    expect(again.failed + again.retry).toBe(0);
    expect(fake.requests.length).toBe(calls);
    expect(await database().db.select().from(jobs).where(and(eq(jobs.kind, 'writeback'), eq(jobs.status, 'pending')))).toEqual([]);
    expect(fake.altOf(mug.uuid, files.mug.uuid)).toBe('Stoneware mug, sand glaze');
  });
});
