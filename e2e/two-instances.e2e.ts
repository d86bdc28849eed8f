import postgres from 'postgres';
import { expect, test, type Page } from './support/test';
import { startFakeGroq, type FakeGroq } from '@/test/fake-groq';
import { fixturesAvailable } from '@/test/fixtures';
import { createScratchDatabase, type ScratchDatabase } from '@/test/pg-template';
import { startS3rver, type S3rverHandle } from '@/test/s3rver';
import { E2E_GROQ_API_KEY } from './support/fake-groq';
import { setUpOwner } from './support/owner';
import { startApp, type RunningApp } from './support/server';
import { finishedStatuses, productPhotos, rowTexts } from './support/uploads';

/**
 * Two `next start` processes on one PostgreSQL database and one bucket (s3rver), as README "Running more than one
 * instance" promises: a session made on one is valid on the other, photos uploaded through both are processed
 * exactly once though both sweepers look for work every 200 ms, the provider's limit holds for both together, and
 * a purge due on both runs once.
 */
const POSTGRES_SERVER_URL = process.env.TEST_DATABASE_URL ?? '';
if (!POSTGRES_SERVER_URL && process.env.CI === 'true') {
  throw new Error('TEST_DATABASE_URL is not set: under CI=true the two-instance flow must run (.ci/run sets it).');
}
const PER_INSTANCE = 3;

test.describe.serial('two instances on one PostgreSQL and one bucket', () => {
  test.skip(!fixturesAvailable() || !POSTGRES_SERVER_URL, 'needs the shared fixtures (../shared) and, where named, TEST_DATABASE_URL');
  let database: ScratchDatabase;
  let sql: postgres.Sql;
  let s3: S3rverHandle;
  let fake: FakeGroq;
  let apps: RunningApp[] = [];
  let page: Page;

  test.beforeAll(async ({ browser }) => {
    database = await createScratchDatabase(POSTGRES_SERVER_URL, 'loupe_e2e_two');
    sql = postgres(database.url, { max: 1, onnotice: () => {} });
    s3 = await startS3rver('loupe-e2e-two');
    // The provider allows two calls at once and then 80 a minute; each instance alone is paced to 60 a minute
    // (VISION_RPM), so only a pace shared by both keeps it from answering 429.
    fake = await startFakeGroq({ apiKey: E2E_GROQ_API_KEY, rateLimit: { requestsPerMinute: 2, tokensPerMinute: 10_000_000, windowMs: 1_500 } });
    const env = {
      DATABASE_URL: database.url,
      ...s3.env,
      VISION_RPM: '60',
      JOBS_SWEEP_INTERVAL_MS: '200',
    };
    // One after the other: the first migrates the fresh database.
    apps = [await startApp({ fakeGroqUrl: fake.url, env })];
    apps.push(await startApp({ fakeGroqUrl: fake.url, env }));
    // A context of its own: the upload test opens a second tab in it, signed in as the first.
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  });

  test.afterAll(async () => {
    await page?.context().close();
    for (const app of apps) await app.stop();
    await sql?.end();
    await fake?.close();
    await s3?.stop();
    await database?.drop();
  });

  test('a person signed in on one instance is signed in on the other', async () => {
    await page.goto(`${apps[0].url}/`);
    await setUpOwner(page);
    // The session cookie (127.0.0.1, any port) goes to the second instance, which finds the session in the database.
    await page.goto(`${apps[1].url}/upload`);
    expect(new URL(page.url()).pathname).toBe('/upload');
    expect(await sql`select id from instances`).toHaveLength(2);
  });

  test(`photos uploaded through both are each processed once, with the provider's limit kept by both together`, async () => {
    const photos = productPhotos(2 * PER_INSTANCE);
    // Both instances' pages (127.0.0.1, any port) PUT to the bucket.
    await s3.allowBrowserOrigin('http://127.0.0.1:*');
    // Both at once, in one signed-in browser: the two instances describe their photos side by side.
    const pages = [page, await page.context().newPage()];
    await Promise.all(pages.map((tab, index) => tab.goto(`${apps[index].url}/upload`)));
    await Promise.all(pages.map((tab, index) => tab.locator('input[type="file"]').setInputFiles(photos.slice(index * PER_INSTANCE, (index + 1) * PER_INSTANCE))));
    for (const tab of pages) expect(await finishedStatuses(tab, PER_INSTANCE), await rowTexts(tab)).toEqual(Array(PER_INSTANCE).fill('stored'));

    await expect
      .poll(async () => (await sql<{ n: number }[]>`select count(*)::int as n from assets where state = 'embedded' and alt_source = 'ai'`)[0].n, { timeout: 180_000 })
      .toBe(photos.length);
    // Each photo was described once: one answered call and one generated text each, and no job ran twice.
    expect([...fake.usage.byImage.values()]).toEqual(photos.map(() => 1));
    const generated = await sql<{ n: number }[]>`select count(*)::int as n from alt_history where event = 'generated' group by asset_id`;
    expect(generated.map((row) => row.n)).toEqual(photos.map(() => 1));
    // The new text's embedding follows its alt_text.changed event (lib/events): wait until that work is done too.
    await expect.poll(async () => sql`select kind, status from jobs where status <> 'done'`, { timeout: 60_000 }).toEqual([]);
    expect(fake.usage.rateLimited).toBe(0);
  });

  test('a purge due on both instances runs once', async () => {
    const [asset] = await sql<{ id: string; original_key: string }[]>`select id, original_key from assets order by created_at limit 1`;
    // Trashed longer ago than TRASH_DAYS (30), its purge job due now: both sweepers find it at once.
    await sql`update assets set deleted_at = now() - interval '31 days', deleted_by = 'Olivia Owner' where id = ${asset.id}`;
    await sql`insert into jobs (asset_id, kind, priority) values (${asset.id}, 'purge', 10)`;
    await expect.poll(async () => (await sql`select id from assets where id = ${asset.id}`).length, { timeout: 30_000 }).toBe(0);
    expect(await s3.storage.head(asset.original_key)).toBeNull();
    // One instance claimed and ran it; the other never got to (a second run would have failed on the missing row).
    for (const app of apps) expect(app.output()).not.toMatch(/purge step failed/);
  });
});
