import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from './support/test';
import sharp from 'sharp';
import { expect, inject, test } from './support/test';
import { screenshot } from './support/browser';
import { ensureOwnerSignedIn } from './support/owner';

/** Photos of their own (fresh bytes each run), so no other browser test's upload is a duplicate of them. */
async function makePhotos(dir: string, tag: string): Promise<string[]> {
  const files: string[] = [];
  for (let index = 0; index < 3; index++) {
    const file = path.join(dir, `bulk-${tag}-${index}.jpg`);
    const colour = { r: Math.floor(Math.random() * 256), g: (index * 90) % 256, b: Math.floor(Math.random() * 256) };
    await sharp({ create: { width: 320, height: 240, channels: 3, background: colour } }).jpeg().toFile(file);
    files.push(file);
  }
  return files;
}

/** N in the library's "All photos (N)". */
async function allPhotosCount(page: Page): Promise<number> {
  const text = await page.getByRole('navigation', { name: 'Show photos by state' }).getByRole('link', { name: /^All photos/ }).innerText();
  return Number(/\((\d+)\)/.exec(text)?.[1]);
}

async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

test.describe.serial('bulk actions and the trash in the library', () => {
  const baseUrl = inject('baseUrl');
  const tag = randomUUID().slice(0, 8);
  let page: Page;
  let files: string[];

  const checkbox = (index: number) => page.getByRole('checkbox', { name: `Select bulk-${tag}-${index}.jpg` });
  const tiles = () => page.locator('ul[aria-label="Assets"] a[data-asset-id]');

  test.beforeAll(async ({ browser }) => {
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await ensureOwnerSignedIn(page, baseUrl);
    files = await makePhotos(fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-bulk-')), tag);
  });

  test.afterAll(async () => {
    await page?.context().close();
  });

  test('an editor uploads three photos, filters the library to them, and Shift-selects the range', async () => {
    await page.goto(`${baseUrl}/upload`);
    await page.getByLabel('Tags').fill(`bulk-${tag}`);
    await page.locator('input[type="file"]').setInputFiles(files);
    const rows = page.locator('section[aria-label="Uploads"] li[data-status]');
    await expect.poll(() => rows.evaluateAll((all) => all.map((row) => row.getAttribute('data-status'))), { timeout: 60_000 }).toEqual(['stored', 'stored', 'stored']);

    await page.goto(`${baseUrl}/`);
    await page.getByLabel('Tag').fill(`bulk-${tag}`);
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL((url) => url.searchParams.get('tag') === `bulk-${tag}`);
    await expect.poll(() => tiles().count()).toBe(3);

    // The range runs in the grid's order (newest first), whichever file each tile holds.
    const boxes = page.locator('ul[aria-label="Assets"] input[type="checkbox"]');
    await boxes.nth(0).click();
    // With a mouse, the range hint shows.
    expect(await page.locator('[data-shift-hint]').isVisible()).toBe(true);
    expect(await page.getByRole('form', { name: 'Bulk actions' }).textContent()).toContain('1 selected');
    await boxes.nth(2).click({ modifiers: ['Shift'] });
    for (const index of [0, 1, 2]) expect(await boxes.nth(index).isChecked()).toBe(true);
    expect(await page.getByRole('form', { name: 'Bulk actions' }).textContent()).toContain('3 selected');
    await screenshot(page, '50-bulk-selected');
  });

  test('bulk-tags the selection and shows each photo’s outcome', async () => {
    const bar = page.getByRole('form', { name: 'Bulk actions' });
    await bar.getByLabel('Action').selectOption('add_tags');
    await bar.getByLabel('Tags (separated by commas)').fill('bulk-added');
    await bar.getByRole('button', { name: 'Apply' }).click();
    const results = page.getByRole('status', { name: 'Bulk action results' });
    await results.waitFor({ timeout: 30_000 });
    expect(await results.textContent()).toContain('Tags added: 3 done, 0 skipped, 0 failed');
    await expect.poll(async () => (await tiles().allTextContents()).filter((text) => text.includes('bulk-added')).length).toBe(3);

    // Again, from the keyboard: Space on a checkbox, then the same tag is skipped, with why.
    await checkbox(1).focus();
    await page.keyboard.press('Space');
    expect(await checkbox(1).isChecked()).toBe(true);
    await bar.getByLabel('Action').selectOption('add_tags');
    await bar.getByLabel('Tags (separated by commas)').fill('bulk-added');
    await bar.getByLabel('Tags (separated by commas)').press('Enter');
    await expect.poll(async () => results.textContent(), { timeout: 30_000 }).toContain('0 done, 1 skipped');
    expect(await results.textContent()).toContain('it already has these tags');
  });

  test('moves a photo to the trash; its page says so; restoring from /trash brings it back', async () => {
    const target = await tiles().filter({ hasText: `bulk-${tag}-0.jpg` }).getAttribute('data-asset-id');
    const before = await allPhotosCount(page);
    await checkbox(0).click();
    const bar = page.getByRole('form', { name: 'Bulk actions' });
    await bar.getByLabel('Action').selectOption('delete');
    await bar.getByRole('button', { name: 'Apply' }).click();
    const results = page.getByRole('status', { name: 'Bulk action results' });
    await expect.poll(async () => results.textContent(), { timeout: 30_000 }).toContain('Moved to the trash: 1 done');
    await expect.poll(() => tiles().count()).toBe(2);
    // The page's own count follows, without a reload.
    await expect.poll(() => allPhotosCount(page)).toBe(before - 1);

    await page.goto(`${baseUrl}/assets/${target}`);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(`bulk-${tag}-0.jpg was deleted`);
    expect(await page.locator('main').textContent()).toContain(`by ${'Olivia Owner'}`);
    expect(await page.getByRole('link', { name: 'Back to the library' }).count()).toBe(1);

    await page.goto(`${baseUrl}/trash`);
    await page.getByRole('button', { name: `Restore bulk-${tag}-0.jpg` }).click();
    await page.getByRole('status').filter({ hasText: 'is back in the library' }).waitFor({ timeout: 30_000 });
    await screenshot(page, '51-trash-restored');

    await page.goto(`${baseUrl}/?tag=bulk-${tag}`);
    await expect.poll(() => tiles().count()).toBe(3);
  });

  test('the library with its selection bar, and the trash, fit a 390 px phone', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${baseUrl}/?tag=bulk-${tag}`);
    await checkbox(0).click();
    await page.getByRole('form', { name: 'Bulk actions' }).waitFor();
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await screenshot(page, '52-bulk-390');
    await page.goto(`${baseUrl}/trash`);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1440, height: 900 });
  });

  test('on a touch screen there is no Shift-click hint (no Shift key to press)', async ({ browser }) => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    try {
      const touch = await phone.newPage();
      await ensureOwnerSignedIn(touch, baseUrl);
      await touch.goto(`${baseUrl}/?tag=bulk-${tag}`);
      await touch.getByRole('checkbox', { name: `Select bulk-${tag}-0.jpg` }).tap();
      await touch.getByRole('form', { name: 'Bulk actions' }).waitFor();
      expect(await touch.evaluate(() => matchMedia('(pointer: coarse)').matches)).toBe(true);
      expect(await touch.locator('[data-shift-hint]').isVisible()).toBe(false);
    } finally {
      await phone.close();
    }
  });
});
