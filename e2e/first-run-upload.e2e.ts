import path from 'node:path';
import { expect, inject, test, type Page } from './support/test';
import { fixturePath, fixturesAvailable } from '@/test/fixtures';
import { screenshot } from './support/browser';
import { OWNER, setUpOwner } from './support/owner';
import { startApp, type RunningApp } from './support/server';
import { expectLoadedThumbnails, finishedStatuses, openFirstAssetDownloadUrl, productPhotos, rowTexts } from './support/uploads';

const PHOTO_COUNT = 30;

/** Records, inside the page, the most upload rows ever in flight at once. */
async function watchConcurrency(page: Page): Promise<() => Promise<number>> {
  await page.evaluate(() => {
    const record = window as unknown as { maxInFlight: number };
    record.maxInFlight = 0;
    const count = () => document.querySelectorAll('li[data-status="hashing"], li[data-status="uploading"], li[data-status="finishing"]').length;
    new MutationObserver(() => {
      record.maxInFlight = Math.max(record.maxInFlight, count());
    }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-status'], childList: true });
  });
  return () => page.evaluate(() => (window as unknown as { maxInFlight: number }).maxInFlight);
}

test.describe.serial('a new team sets up Loupe and fills its library', () => {
  test.skip(!fixturesAvailable(), 'needs the shared fixtures (../shared) and, where named, TEST_DATABASE_URL');
  let app: RunningApp;
  let page: Page;
  const photos = fixturesAvailable() ? productPhotos(PHOTO_COUNT) : [];

  test.beforeAll(async ({ browser }) => {
    // Its own app, so "nobody has set up yet" holds whatever other files did to the shared one.
    app = await startApp({ fakeGroqUrl: inject('fakeGroqUrl') });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });

  test.afterAll(async () => {
    await page?.context().close();
    await app?.stop();
  });

  test('a first visitor is sent to setup and creates the owner account', async () => {
    await page.goto(`${app.url}/`);
    expect(new URL(page.url()).pathname).toBe('/setup');
    await screenshot(page, '01-setup');
    await setUpOwner(page);
    await page.goto(`${app.url}/`);
    expect(new URL(page.url()).pathname).toBe('/');
    await expect.poll(() => page.getByText(OWNER.name).count()).toBeGreaterThan(0);
    await expect.poll(() => page.getByText('No photos yet').count()).toBe(1);
    await screenshot(page, '02-library-empty');
  });

  test(`uploading ${PHOTO_COUNT} product photos stores each one, a few at a time, with its own progress bar`, async () => {
    await page.goto(`${app.url}/upload`);
    const maxInFlight = await watchConcurrency(page);
    await page.locator('input[type="file"]').setInputFiles(photos);

    const statuses = await finishedStatuses(page, PHOTO_COUNT);
    expect(statuses, await rowTexts(page)).toEqual(Array(PHOTO_COUNT).fill('stored'));
    const bars = page.getByRole('progressbar');
    expect(await bars.count()).toBe(PHOTO_COUNT);
    expect(await bars.evaluateAll((elements) => elements.map((element) => element.getAttribute('aria-valuenow')))).toEqual(
      Array(PHOTO_COUNT).fill('100'),
    );
    const inFlight = await maxInFlight();
    expect(inFlight).toBeGreaterThanOrEqual(1);
    expect(inFlight).toBeLessThanOrEqual(3);
    await screenshot(page, '03-upload-done');
  });

  test(`the library shows ${PHOTO_COUNT} loaded thumbnails with their filenames`, async () => {
    await page.goto(`${app.url}/`);
    await expectLoadedThumbnails(page, PHOTO_COUNT);
    for (const photo of photos) expect(await page.getByText(path.basename(photo), { exact: true }).count()).toBe(1);
    await screenshot(page, '04-library');
  });

  test('uploading the same photos again reports every one as a duplicate with a link to it', async () => {
    await page.goto(`${app.url}/upload`);
    await page.locator('input[type="file"]').setInputFiles(photos);
    const statuses = await finishedStatuses(page, PHOTO_COUNT);
    expect(statuses, await rowTexts(page)).toEqual(Array(PHOTO_COUNT).fill('duplicate'));
    expect(await page.getByRole('link', { name: 'View existing' }).count()).toBe(PHOTO_COUNT);
    await screenshot(page, '05-upload-duplicates');
  });

  test('a file that is not an image is rejected with the server’s reason', async () => {
    await page.goto(`${app.url}/upload`);
    await page.locator('input[type="file"]').setInputFiles(fixturePath('images', 'broken', 'notanimage.jpg'));
    expect(await finishedStatuses(page, 1), await rowTexts(page)).toEqual(['rejected']);
    const status = page.locator('li[data-status="rejected"] [data-upload-status]');
    const message = (await status.textContent()) ?? '';
    expect(message).toMatch(/^Rejected: /);
    expect(message.toLowerCase()).toContain('image');
    await screenshot(page, '06-upload-rejected');
  });

  test('the asset page shows the photo, its facts and a signed download link', async () => {
    const downloadUrl = await openFirstAssetDownloadUrl(page, app.url);
    expect(await page.getByText('SHA-256').count()).toBe(1);
    const original = await page.request.get(downloadUrl);
    expect(original.status()).toBe(200);
    expect(original.headers()['content-type']).toBe('image/jpeg');
    await screenshot(page, '07-asset');
  });

  test('an uploaded photo gets alt text from the vision model, shown with its AI badge', async () => {
    await page.goto(`${app.url}/`);
    const tilesWithAiText = page.locator('ul[aria-label="Assets"] li').filter({ has: page.getByText('AI', { exact: true }) });
    // The fake Groq answers at once, but the pipeline writes alt text in the background after derivatives.
    await expect.poll(async () => {
      await page.reload();
      return tilesWithAiText.count();
    }, { timeout: 120_000, intervals: [2000] }).toBeGreaterThan(0);
    const tile = tilesWithAiText.first();
    const assetId = await tile.locator('a').getAttribute('data-asset-id');
    const altText: string = (await (await page.request.get(`${app.url}/api/assets/${assetId}`)).json()).alt.text ?? '';
    expect(altText.length).toBeGreaterThanOrEqual(20);
    // The caption carries the text; the thumbnail is silent (alt=""), so the link does not read it twice.
    expect(await tile.innerText()).toContain(altText);
    expect(await tile.locator('img[data-thumbnail]').getAttribute('alt')).toBe('');
    await screenshot(page, '08-library-alt-text');

    await tile.locator('a').click();
    await page.waitForURL(/\/assets\//);
    const panel = page.getByTestId('alt-text-panel');
    expect(await panel.getByText('AI', { exact: true }).count()).toBeGreaterThan(0);
    expect(await panel.innerText()).toContain(altText);
    await screenshot(page, '09-asset-alt-text');
  });

  test('an editor deletes an asset from its page and the library no longer has it', async () => {
    await page.goto(`${app.url}/`);
    const firstTile = page.locator('ul[aria-label="Assets"] a:has(img[data-thumbnail])').first();
    const assetId = await firstTile.getAttribute('data-asset-id');
    await firstTile.click();
    await page.waitForURL(`${app.url}/assets/${assetId}`);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('button', { name: 'Move to trash' }).click();
    await page.waitForURL(`${app.url}/`);
    await expect.poll(() => page.locator('ul[aria-label="Assets"] img[data-thumbnail]').count()).toBe(PHOTO_COUNT - 1);
    expect(await page.locator(`a[data-asset-id="${assetId}"]`).count()).toBe(0);
    const response = await page.request.get(`${app.url}/api/assets/${assetId}`);
    expect(response.status()).toBe(404);
  });
});
