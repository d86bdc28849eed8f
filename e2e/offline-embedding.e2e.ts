import { expect, inject, test, type Page } from './support/test';
import { fixturesAvailable } from '@/test/fixtures';
import { screenshot } from './support/browser';
import { ownAppWithOwner } from './support/owner';
import type { RunningApp } from './support/server';
import { finishedStatuses, productPhotos, rowTexts } from './support/uploads';

/**
 * Issue 17: the README's start on a machine that cannot download the embedding model. Uploads end stored and
 * Ready, never failed; the admin page says once what to set, and the search page says search by meaning is off
 * while keyword search still finds the photos.
 */
test.describe.serial('an embedding model that cannot be loaded fails no photo', () => {
  test.skip(!fixturesAvailable(), 'needs the shared fixtures (../shared)');
  let app: RunningApp;
  let page: Page;
  let close: (() => Promise<void>) | undefined;
  const photos = fixturesAvailable() ? productPhotos(2) : [];

  test.beforeAll(async ({ browser }) => {
    const env = { EMBEDDING_MODEL: 'Xenova/all-MiniLM-L6-v2', EMBEDDING_MODEL_DIR: '/nonexistent/all-MiniLM-L6-v2' };
    ({ app, page, close } = await ownAppWithOwner(browser, { fakeGroqUrl: inject('fakeGroqUrl'), env }));
  });

  test.afterAll(async () => {
    await close?.();
  });

  test('uploads end stored, the photos are Ready and nothing is under Failed', async () => {
    await page.goto(`${app.url}/upload`);
    await page.locator('input[type="file"]').setInputFiles(photos);
    expect(await finishedStatuses(page, photos.length), await rowTexts(page)).toEqual(photos.map(() => 'stored'));
    await page.goto(`${app.url}/`);
    await expect.poll(() => page.locator('ul[aria-label="Assets"] [data-state="embedded"]').count(), { timeout: 60_000 }).toBe(photos.length);
    expect(await page.getByRole('link', { name: /^Failed \(/ }).textContent()).toBe('Failed (0)');
    expect(await page.locator('[data-condition]').count()).toBe(0);
  });

  test('Admin → Users says search by meaning is off, naming EMBEDDING_MODEL and EMBEDDING_MODEL_DIR', async () => {
    await page.goto(`${app.url}/admin/users`);
    const notice = page.locator('[data-embedding-unavailable]');
    await notice.waitFor();
    const text = (await notice.textContent()) ?? '';
    expect(text).toContain('Xenova/all-MiniLM-L6-v2');
    expect(text).toContain('EMBEDDING_MODEL_DIR');
    expect(text).toMatch(/EMBEDDING_MODEL to/);
    await screenshot(page, 'offline-embedding-admin');
  });

  test('the search page says so once, and keyword search still finds the photos', async () => {
    await page.goto(`${app.url}/search`);
    await expect.poll(() => page.locator('[data-embedding-unavailable]').count()).toBe(1);
    const name = photos[0].split('/').pop()!;
    await page.getByLabel('Search photos').fill(name);
    await expect.poll(() => page.getByText(name, { exact: true }).count(), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(await page.getByText(/Search by meaning is unavailable/).count()).toBe(1);
    await screenshot(page, 'offline-embedding-search');
  });
});
