import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect } from './test';
import { fixturePath } from '@/test/fixtures';

/** The first `count` product photos by name: a stable choice across runs. */
export function productPhotos(count: number): string[] {
  const dir = fixturePath('products');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.jpg'))
    .sort()
    .slice(0, count)
    .map((name) => path.join(dir, name));
}

/**
 * On the upload page: waits until every upload row has ended (no row queued or in flight) and returns each
 * row's final status. Pass rowTexts() as the assertion message, so a failure says why.
 */
export async function finishedStatuses(page: Page, expected: number): Promise<string[]> {
  const rows = page.locator('section[aria-label="Uploads"] li[data-status]');
  await expect.poll(() => rows.count(), { timeout: 60_000 }).toBe(expected);
  await page.waitForFunction(
    () => !document.querySelector('li[data-status="queued"], li[data-status="hashing"], li[data-status="uploading"], li[data-status="finishing"], li[data-status="processing"]'),
    undefined,
    { timeout: 120_000 },
  );
  return rows.evaluateAll((elements) => elements.map((element) => element.getAttribute('data-status') ?? ''));
}

/** Every upload row's text, one line each. */
export async function rowTexts(page: Page): Promise<string> {
  const texts = await page.locator('section[aria-label="Uploads"] li[data-status]').allInnerTexts();
  return texts.map((text) => text.replace(/\s+/g, ' ')).join('\n');
}

/**
 * On the library page: waits for `count` thumbnails (derivatives are made in the background; the page refreshes
 * itself until every tile has one), scrolls them all into view and waits until the browser has loaded each.
 * Returns their src attributes.
 */
export async function expectLoadedThumbnails(page: Page, count: number): Promise<string[]> {
  const thumbnails = page.locator('ul[aria-label="Assets"] img[data-thumbnail]');
  await expect.poll(() => thumbnails.count(), { timeout: 120_000 }).toBe(count);
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await expect
    .poll(() => thumbnails.evaluateAll((images) => images.filter((image) => (image as HTMLImageElement).naturalWidth > 0).length), { timeout: 60_000 })
    .toBe(count);
  await page.evaluate(() => window.scrollTo(0, 0));
  return thumbnails.evaluateAll((images) => images.map((image) => (image as HTMLImageElement).src));
}

/** From the library, opens the first photo's page and returns its download link (absolute). */
export async function openFirstAssetDownloadUrl(page: Page, appUrl: string): Promise<string> {
  await page.goto(`${appUrl}/`);
  await page.locator('ul[aria-label="Assets"] a:has(img[data-thumbnail])').first().click();
  await page.waitForURL(/\/assets\/[0-9a-f-]{36}$/);
  await expect.poll(() => page.locator('main figure img').count(), { timeout: 60_000 }).toBe(1);
  const href = await page.getByRole('link', { name: /Download original/ }).getAttribute('href');
  expect(href).toBeTruthy();
  return new URL(href ?? '', appUrl).toString();
}
