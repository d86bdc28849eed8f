import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { expect, inject, test, type Page } from './support/test';
import { fixturesAvailable } from '@/test/fixtures';
import { createScratchDatabase, type ScratchDatabase } from '@/test/pg-template';
import { startS3rver, type S3rverHandle } from '@/test/s3rver';
import { screenshot } from './support/browser';
import { OWNER, setUpOwner } from './support/owner';
import { startApp, type RunningApp } from './support/server';
import { expectLoadedThumbnails, finishedStatuses, openFirstAssetDownloadUrl, productPhotos, rowTexts } from './support/uploads';

const PHOTO_COUNT = 6;
/**
 * The server the scratch database is made on. Like the integration tests' `postgres` project, this runs only when
 * TEST_DATABASE_URL names a server, so `npm test` works on a machine without PostgreSQL; CI always sets it.
 */
const POSTGRES_SERVER_URL = process.env.TEST_DATABASE_URL ?? '';
if (!POSTGRES_SERVER_URL && process.env.CI === 'true') {
  throw new Error('TEST_DATABASE_URL is not set: under CI=true the PostgreSQL + S3 browser flow must run (.ci/run sets it).');
}

function sha256Hex(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

test.describe.serial('the first-run flow on PostgreSQL + pgvector and the S3 driver (s3rver)', () => {
  test.skip(!fixturesAvailable() || !POSTGRES_SERVER_URL, 'needs the shared fixtures (../shared) and, where named, TEST_DATABASE_URL');
  let database: ScratchDatabase;
  let sql: postgres.Sql;
  let s3: S3rverHandle;
  let app: RunningApp;
  let page: Page;
  /** Every PUT the browser sent to the S3 endpoint, since the test started counting. */
  let s3Puts: string[] = [];
  const photos = fixturesAvailable() ? productPhotos(PHOTO_COUNT + 1) : [];
  const batch = photos.slice(0, PHOTO_COUNT);

  test.beforeAll(async ({ browser }) => {
    database = await createScratchDatabase(POSTGRES_SERVER_URL, 'loupe_e2e');
    sql = postgres(database.url, { max: 1, onnotice: () => {} });
    s3 = await startS3rver('loupe-e2e');
    app = await startApp({
      fakeGroqUrl: inject('fakeGroqUrl'),
      env: { DATABASE_URL: database.url, ...s3.env },
    });
    // As the README asks of a real bucket: the browser on APP_URL PUTs originals and fetches objects cross-origin.
    await s3.allowBrowserOrigin(app.url);
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('request', (request) => {
      if (request.method() === 'PUT' && request.url().startsWith(s3.endpoint)) s3Puts.push(request.url());
    });
  });

  test.afterAll(async () => {
    await page?.context().close();
    await app?.stop();
    await sql?.end();
    await s3?.stop();
    await database?.drop();
  });

  test('the owner sets up the fresh app, and the account lives in PostgreSQL', async () => {
    await page.goto(`${app.url}/`);
    expect(new URL(page.url()).pathname).toBe('/setup');
    await setUpOwner(page);
    expect(await sql`select email from users`).toEqual([{ email: OWNER.email }]);
    const extension = await sql`select extname from pg_extension where extname = 'vector'`;
    expect(extension).toHaveLength(1);
  });

  test(`uploading ${PHOTO_COUNT} photos PUTs each straight to the bucket and stores it`, async () => {
    s3Puts = [];
    await page.goto(`${app.url}/upload`);
    await page.locator('input[type="file"]').setInputFiles(batch);
    expect(await finishedStatuses(page, PHOTO_COUNT), await rowTexts(page)).toEqual(Array(PHOTO_COUNT).fill('stored'));
    expect(s3Puts).toHaveLength(PHOTO_COUNT);
    const rows = await sql<{ original_key: string; sha256: string }[]>`select original_key, sha256 from assets`;
    expect(rows.map((row) => row.sha256).sort()).toEqual(batch.map(sha256Hex).sort());
    for (const row of rows) expect(await s3.storage.head(row.original_key), row.original_key).not.toBeNull();
    await screenshot(page, '40-pg-s3-upload-done');
  });

  test('the library shows every thumbnail, loaded from the bucket', async () => {
    await page.goto(`${app.url}/`);
    const sources = await expectLoadedThumbnails(page, PHOTO_COUNT);
    for (const source of sources) expect(source.startsWith(`${s3.endpoint}/${s3.bucket}/d/`), source).toBe(true);
    for (const photo of batch) expect(await page.getByText(path.basename(photo), { exact: true }).count()).toBe(1);
    await screenshot(page, '41-pg-s3-library');
  });

  test('uploading the same photos again reports each as a duplicate without sending any bytes', async () => {
    s3Puts = [];
    await page.goto(`${app.url}/upload`);
    await page.locator('input[type="file"]').setInputFiles(batch);
    expect(await finishedStatuses(page, PHOTO_COUNT), await rowTexts(page)).toEqual(Array(PHOTO_COUNT).fill('duplicate'));
    expect(await page.getByRole('link', { name: 'View existing' }).count()).toBe(PHOTO_COUNT);
    expect(s3Puts).toEqual([]);
    expect(await sql`select id from assets`).toHaveLength(PHOTO_COUNT);
  });

  test('the download link serves the original from the bucket, to the page too (CORS)', async () => {
    const downloadUrl = await openFirstAssetDownloadUrl(page, app.url);
    expect(downloadUrl.startsWith(`${s3.endpoint}/${s3.bucket}/o/`)).toBe(true);
    const original = await page.request.get(downloadUrl);
    expect(original.status()).toBe(200);
    expect(original.headers()['content-type']).toBe('image/jpeg');
    expect(original.headers()['content-disposition']).toMatch(/^attachment; filename="\S+\.jpg"/);
    const digest = createHash('sha256').update(await original.body()).digest('hex');
    expect(batch.map(sha256Hex)).toContain(digest);
    // A script on the app's origin reads the same object cross-origin: the bucket's CORS rule allows GET.
    const fetched = await page.evaluate(async (url) => {
      const response = await fetch(url);
      return { status: response.status, bytes: (await response.arrayBuffer()).byteLength };
    }, downloadUrl);
    expect(fetched).toEqual({ status: 200, bytes: (await original.body()).length });
    await screenshot(page, '42-pg-s3-asset');
  });

  test('a browser without WebCrypto uploads anyway: a stored photo ends as a duplicate, a new one is stored', async () => {
    // What plain HTTP on a LAN address gives the page: no crypto.subtle, so no SHA-256 is sent.
    await page.addInitScript(() => Object.defineProperty(Crypto.prototype, 'subtle', { get: () => undefined }));
    const known = batch[0];
    const fresh = photos[PHOTO_COUNT];
    s3Puts = [];
    await page.goto(`${app.url}/upload`);
    expect(await page.evaluate(() => globalThis.crypto.subtle === undefined)).toBe(true);
    await page.locator('input[type="file"]').setInputFiles([known, fresh]);
    await finishedStatuses(page, 2);
    const rows = page.locator('section[aria-label="Uploads"] li[data-status]');
    const statusOf = (file: string) => rows.filter({ hasText: path.basename(file) }).getAttribute('data-status');
    expect({ known: await statusOf(known), fresh: await statusOf(fresh) }, await rowTexts(page)).toEqual({ known: 'duplicate', fresh: 'stored' });
    // Both files went to the bucket; completion found the known one already stored and removed the second copy.
    expect(s3Puts).toHaveLength(2);
    const stored = await sql<{ original_key: string }[]>`select original_key from assets`;
    expect(stored).toHaveLength(PHOTO_COUNT + 1);
    const [{ count }] = await sql<{ count: number }[]>`select count(*)::int as count from assets where sha256 = ${sha256Hex(known)}`;
    expect(count).toBe(1);
    const duplicateKey = s3Puts.map((url) => new URL(url).pathname.replace(`/${s3.bucket}/`, '')).find((key) => !stored.some((row) => row.original_key === key));
    expect(duplicateKey).toBeDefined();
    expect(await s3.storage.head(duplicateKey ?? '')).toBeNull();
    await screenshot(page, '43-pg-s3-no-webcrypto');
  });
});
