import type { Page } from './support/test';
import { expect, inject, test } from './support/test';
import { fixturePath, fixturesAvailable } from '@/test/fixtures';
import { screenshot } from './support/browser';
import { ensureOwnerSignedIn } from './support/owner';
import { finishedStatuses, rowTexts } from './support/uploads';

const FILENAME = 'truncated_50pct.jpg';

/** The number in the library's "Failed (N)" filter link. */
async function failedCount(page: Page): Promise<number> {
  const text = (await page.getByRole('navigation', { name: 'Show photos by state' }).getByRole('link', { name: /^Failed/ }).textContent()) ?? '';
  return Number(/\((\d+)\)/.exec(text)?.[1] ?? NaN);
}

test.describe.serial('a file that cannot be read is shown as failed, found under Failed, retried and deleted', () => {
  test.skip(!fixturesAvailable(), 'needs the shared fixtures (../shared) and, where named, TEST_DATABASE_URL');
  const baseUrl = inject('baseUrl');
  let page: Page;
  let assetId = '';

  test.beforeAll(async ({ browser }) => {
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await ensureOwnerSignedIn(page, baseUrl);
  });

  test.afterAll(async () => {
    await page?.context().close();
  });

  test('the upload page says the truncated photo failed, with the reason, not "stored"', async () => {
    await page.goto(`${baseUrl}/upload`);
    await page.locator('input[type="file"]').setInputFiles(fixturePath('images', 'broken', FILENAME));
    expect(await finishedStatuses(page, 1), await rowTexts(page)).toEqual(['unprocessable']);
    const row = page.locator('section[aria-label="Uploads"] li[data-status="unprocessable"]');
    expect(await row.locator('[data-upload-status]').textContent()).toMatch(/^Failed: The file is damaged or truncated/);
    expect(await page.locator('[data-upload-summary]').textContent()).toContain('1 could not be processed');
    assetId = (await row.getByRole('link', { name: 'View' }).getAttribute('href'))?.split('/').pop() ?? '';
    expect(assetId).toMatch(/^[0-9a-f-]{36}$/);
    await screenshot(page, 'failed-01-upload');
  });

  test('the library’s Failed filter lists it with a failed badge and the reason, and fits a 390 px phone', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${baseUrl}/`);
    expect(await failedCount(page)).toBeGreaterThanOrEqual(1);
    await page.getByRole('link', { name: /^Failed \(/ }).click();
    await page.waitForURL(`${baseUrl}/?state=failed`);
    expect(await page.getByRole('link', { name: /^Failed \(/ }).getAttribute('aria-current')).toBe('page');
    const tile = page.locator(`ul[aria-label="Assets"] li:has(a[data-asset-id="${assetId}"])`);
    await tile.waitFor();
    expect(await tile.locator('[data-state="failed_derive"]').textContent()).toBe('Could not process');
    expect(await tile.locator('[data-failure-reason]').textContent()).toMatch(/damaged or truncated/);
    // Every tile under the filter is a failed one.
    const states = await page.locator('ul[aria-label="Assets"] [data-state]').evaluateAll((all) => all.map((element) => element.getAttribute('data-state')));
    expect(states.every((state) => state?.startsWith('failed_'))).toBe(true);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, 'failed-02-library-filter-390');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  test('on its page an editor retries it (it fails again, with the same reason) from the keyboard', async () => {
    await page.goto(`${baseUrl}/assets/${assetId}`);
    const alert = page.locator('[data-failure="corrupt_image"]');
    expect(await alert.locator('p').first().textContent()).toMatch(/^The file is damaged or truncated/);
    // The owner is an admin: the decoder's own words are there, folded away.
    expect(await alert.locator('[data-admin-detail] summary').textContent()).toBe('Details for admins');
    const retried = page.waitForResponse((response) => response.url().endsWith(`/api/assets/${assetId}/retry`));
    await page.getByRole('button', { name: 'Retry', exact: true }).focus();
    await page.keyboard.press('Enter');
    expect((await retried).status()).toBe(202);
    await page.getByRole('status').filter({ hasText: 'Queued again' }).waitFor();
    await expect
      .poll(async () => ((await (await page.request.get(`${baseUrl}/api/assets/${assetId}`)).json()) as { state: string }).state, { timeout: 30_000 })
      .toBe('failed_derive');
    await page.reload();
    expect(await page.locator('[data-failure="corrupt_image"]').count()).toBe(1);
    await screenshot(page, 'failed-03-asset-retried');
  });

  test('deleting it removes it from the library and the Failed count', async () => {
    await page.goto(`${baseUrl}/?state=failed`);
    const before = await failedCount(page);
    await page.goto(`${baseUrl}/assets/${assetId}`);
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('button', { name: 'Move to trash' }).click();
    await page.waitForURL(`${baseUrl}/`);
    expect((await page.request.get(`${baseUrl}/api/assets/${assetId}`)).status()).toBe(404);
    await page.goto(`${baseUrl}/?state=failed`);
    expect(await failedCount(page)).toBe(before - 1);
    expect(await page.locator(`a[data-asset-id="${assetId}"]`).count()).toBe(0);
  });
});
