import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import yauzl from 'yauzl';
import { accessibilityProblems } from './support/a11y';
import { ensureOwnerSignedIn } from './support/owner';
import { expect, inject, test, type Page } from './support/test';

/** The names and bytes of every entry of a ZIP on disk, read with yauzl (an independent reader). */
function zipEntries(file: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error ?? new Error('no zip'));
      const entries = new Map<string, Buffer>();
      zip.on('error', reject);
      zip.on('end', () => resolve(entries));
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('end', () => {
            entries.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

test.describe.serial('downloading and sharing a selection', () => {
  const baseUrl = inject('baseUrl');
  const tag = `share-${randomUUID().slice(0, 8)}`;
  let page: Page;
  let dir: string;
  let shareUrl: string;

  test.beforeAll(async ({ browser }) => {
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await ensureOwnerSignedIn(page, baseUrl);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-share-'));
  });

  test.afterAll(async () => {
    await page?.context().close();
  });

  test('selects two photos in the library and downloads them as a ZIP with alt-text.csv', async () => {
    const files = [];
    for (let index = 0; index < 2; index++) {
      const file = path.join(dir, `${tag}-${index}.jpg`);
      await sharp({ create: { width: 200, height: 150, channels: 3, background: { r: Math.floor(Math.random() * 256), g: 40 * index, b: 90 } } }).jpeg().toFile(file);
      files.push(file);
    }
    await page.goto(`${baseUrl}/upload`);
    await page.getByLabel('Tags').fill(tag);
    await page.locator('input[type="file"]').setInputFiles(files);
    const rows = page.locator('section[aria-label="Uploads"] li[data-status]');
    await expect.poll(() => rows.evaluateAll((all) => all.map((row) => row.getAttribute('data-status'))), { timeout: 60_000 }).toEqual(['stored', 'stored']);

    await page.goto(`${baseUrl}/?tag=${tag}`);
    await expect.poll(() => page.locator('ul[aria-label="Assets"] a[data-asset-id]').count()).toBe(2);
    await page.getByRole('checkbox', { name: `Select ${tag}-0.jpg` }).click();
    await page.getByRole('checkbox', { name: `Select ${tag}-1.jpg` }).click();
    const bar = page.getByRole('region', { name: 'Download or share' });
    await expect(bar.getByLabel('Download as')).toHaveValue('');
    const [download] = await Promise.all([page.waitForEvent('download'), bar.getByRole('button', { name: 'Download ZIP' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^loupe-photos-\d{4}-\d\d-\d\d\.zip$/);
    const saved = path.join(dir, 'selection.zip');
    await download.saveAs(saved);
    const entries = await zipEntries(saved);
    expect([...entries.keys()].sort()).toEqual(['alt-text.csv', `${tag}-0.jpg`, `${tag}-1.jpg`]);
    expect(entries.get(`${tag}-0.jpg`)?.equals(fs.readFileSync(files[0]))).toBe(true);
    const csv = entries.get('alt-text.csv')?.toString('utf8') ?? '';
    expect(csv.split('\r\n')[0]).toBe('file,filename,alt_text,status,note');
    expect(csv).toContain(`${tag}-1.jpg,${tag}-1.jpg`);
  });

  test('creates a share link that works signed out, with the photos and their downloads', async ({ browser }) => {
    const bar = page.getByRole('region', { name: 'Download or share' });
    await bar.getByLabel('Share link expires in').selectOption('1');
    await bar.getByRole('button', { name: 'Create share link' }).click();
    const link = bar.getByRole('textbox', { name: 'Share link' });
    await expect(link).toHaveValue(/\/s\/[A-Za-z0-9_-]{32}$/);
    shareUrl = await link.inputValue();

    const stranger = await browser.newContext();
    try {
      const shared = await stranger.newPage();
      await shared.goto(shareUrl);
      await expect(shared.getByRole('heading', { name: 'Shared photos' })).toBeVisible();
      const photos = shared.getByRole('list', { name: 'Photos' }).getByRole('listitem');
      await expect(photos).toHaveCount(2);
      await expect(shared.getByRole('link', { name: `Download ${tag}-0.jpg` })).toBeVisible();
      await expect(shared.getByRole('link', { name: 'Download all (ZIP)' })).toBeVisible();
      // Nothing of the library is reachable from the signed-out context.
      const library = await stranger.request.get(`${baseUrl}/api/assets`);
      expect(library.status()).toBe(401);
      expect(await accessibilityProblems(shared)).toEqual([]);
    } finally {
      await stranger.close();
    }
  });

  test('revokes the link from Admin → Share links; the link then answers 410', async ({ browser }) => {
    await page.goto(`${baseUrl}/admin/shares`);
    const row = page.getByRole('row').filter({ hasText: '2 photos' }).filter({ hasText: 'Active' }).first();
    await row.getByRole('button', { name: /^Revoke/ }).click();
    await expect(page.getByRole('row').filter({ hasText: 'Revoked' }).first()).toBeVisible();

    const stranger = await browser.newContext();
    try {
      const token = new URL(shareUrl).pathname.replace('/s/', '');
      const answer = await stranger.request.get(`${baseUrl}/api/shared/${token}`);
      expect(answer.status()).toBe(410);
      expect((await answer.json()).error.code).toBe('share_gone');
      const shared = await stranger.newPage();
      await shared.goto(shareUrl);
      await expect(shared.getByRole('heading', { name: 'This share link no longer works' })).toBeVisible();
      await expect(shared.getByText(/^This share link was revoked on /)).toBeVisible();
    } finally {
      await stranger.close();
    }
  });
});
