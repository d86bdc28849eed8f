import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page, Route } from '@playwright/test';
import sharp from 'sharp';
import { expect, inject, test } from './support/test';
import { screenshot } from './support/browser';
import { setUpOwner } from './support/owner';
import { startApp, type RunningApp } from './support/server';

const PART = 5 * 1024 * 1024;

/**
 * A big file goes up in parts and survives a reload: the app is started with a 6 MB part threshold and 5 MiB
 * parts, so a 26 MB photo is five parts. Parts 1 and 2 arrive; 3 to 5 hang (a connection gone bad); the page is
 * reloaded mid-upload, the same file is picked again, and only parts 3 to 5 are sent before the upload completes.
 */
test.describe.serial('resumable uploads of big files', () => {
  let app: RunningApp;
  let page: Page;
  let dir: string;
  let file: string;
  let bytes: Buffer;

  test.beforeAll(async ({ browser }) => {
    app = await startApp({ fakeGroqUrl: null, env: { UPLOAD_PART_THRESHOLD_BYTES: String(6 * 1024 * 1024), UPLOAD_PART_SIZE_BYTES: String(PART) } });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-e2e-resume-'));
    file = path.join(dir, 'poster-wall.png');
    bytes = await sharp({ create: { width: 3600, height: 2400, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 50 } } })
      .png({ compressionLevel: 0 })
      .toBuffer();
    fs.writeFileSync(file, bytes);
    page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(`${app.url}/`);
    await setUpOwner(page);
  });

  test.afterAll(async () => {
    await page?.context().close();
    await app?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('reload mid-upload, pick the file again: only the missing parts are sent, and the photo is stored', async () => {
    const partCount = Math.ceil(bytes.length / PART);
    expect(partCount).toBe(5);
    const sent = { before: [] as number[], after: [] as number[] };
    const held: Route[] = [];
    let phase: 'before' | 'after' = 'before';
    await page.route('**/api/files/**', async (route) => {
      const url = new URL(route.request().url());
      if (route.request().method() !== 'PUT' || url.searchParams.get('op') !== 'part') return route.continue();
      const partNumber = Number(url.searchParams.get('part'));
      sent[phase].push(partNumber);
      // Before the reload, parts past the second never get an answer: the connection went bad.
      if (phase === 'before' && partNumber > 2) held.push(route);
      else await route.continue();
    });

    await page.goto(`${app.url}/upload`);
    await page.locator('input[type="file"]').setInputFiles(file);
    const row = page.locator('section[aria-label="Uploads"] li[data-status]');
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 60_000 }).toBe('uploading');

    // The server holds parts 1 and 2 (asked the way the page asks when resuming); the progress bar shows them.
    const assetId = await page.evaluate(() => {
      const key = Object.keys(localStorage).find((name) => name.startsWith('loupe.upload.poster-wall.png:'));
      return key ? (JSON.parse(localStorage.getItem(key) ?? '{}') as { assetId?: string }).assetId ?? null : null;
    });
    expect(assetId).toMatch(/^[0-9a-f-]{36}$/);
    const received = async () => ((await (await page.request.get(`${app.url}/api/uploads/${assetId}/parts`)).json()) as { received: { partNumber: number }[] }).received.map((part) => part.partNumber);
    await expect.poll(received, { timeout: 60_000 }).toEqual([1, 2]);
    await expect.poll(async () => Number(await row.getByRole('progressbar').getAttribute('aria-valuenow')), { timeout: 10_000 }).toBeGreaterThanOrEqual(40);
    expect(await row.getAttribute('data-status')).toBe('uploading');
    await screenshot(page, '60-resumable-before-reload');

    phase = 'after';
    await page.reload();
    for (const route of held) await route.abort('connectionreset').catch(() => {});
    await page.locator('input[type="file"]').setInputFiles(file);
    await expect.poll(() => page.locator('section[aria-label="Uploads"] li[data-status]').getAttribute('data-status'), { timeout: 120_000 }).toBe('stored');
    await screenshot(page, '61-resumable-after-reload');

    expect(sent.before.filter((partNumber) => partNumber <= 2).sort()).toEqual([1, 2]);
    // Resumed: parts 1 and 2 were not sent again.
    expect([...sent.after].sort()).toEqual([3, 4, 5]);
    const asset = (await (await page.request.get(`${app.url}/api/assets/${assetId}`)).json()) as { sha256: string; sizeBytes?: number };
    expect(asset.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    // Nothing left to resume: picking the file once more would start a new upload (answered as a duplicate).
    expect(await page.evaluate(() => Object.keys(localStorage).filter((name) => name.startsWith('loupe.upload.')).length)).toBe(0);
  });
});
