import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, inject, test, type Page } from './support/test';
import { videoTools } from '@/lib/ingest/video';
import { fixturePath, fixturesAvailable } from '@/test/fixtures';
import { makeTestVideo } from '@/test/videos';
import { screenshot } from './support/browser';
import { ensureOwnerSignedIn } from './support/owner';

/** A studio's files: an iPhone HEIC and a product video (WebM made by ffmpeg here), uploaded from the upload page. */
test.describe.serial('HEIC photos and product videos', () => {
  test.skip(!fixturesAvailable(), 'needs the shared fixtures (../shared) and, where named, TEST_DATABASE_URL');
  const baseUrl = inject('baseUrl');
  let page: Page;
  let dir: string;
  const ids = new Map<string, string>();

  test.beforeAll(async ({ browser }) => {
    const tools = await videoTools();
    if (!tools) throw new Error('ffmpeg/ffprobe should come with the dependencies');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-e2e-media-'));
    fs.writeFileSync(path.join(dir, 'turntable.webm'), makeTestVideo(tools, { container: 'webm', seconds: 3, width: 640, height: 360 }));
    fs.copyFileSync(fixturePath('images', 'formats', 'heic_lossy.heic'), path.join(dir, 'iphone.heic'));
    page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await ensureOwnerSignedIn(page, baseUrl);
  });

  test.afterAll(async () => {
    await page?.context().close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('uploading a HEIC and a WebM video: both are stored', async () => {
    await page.goto(`${baseUrl}/upload`);
    await page.locator('input[type="file"]').setInputFiles([path.join(dir, 'iphone.heic'), path.join(dir, 'turntable.webm')]);
    const rows = page.locator('section[aria-label="Uploads"] li[data-status]');
    await expect.poll(() => rows.evaluateAll((all) => all.map((row) => row.getAttribute('data-status'))), { timeout: 60_000 }).toEqual(['stored', 'stored']);
    for (const file of ['iphone.heic', 'turntable.webm']) {
      const href = await rows.filter({ hasText: file }).getByRole('link', { name: 'View' }).getAttribute('href');
      ids.set(file, href?.split('/').pop() ?? '');
    }
    await screenshot(page, '40-media-upload');
  });

  test('the library shows both thumbnails, the video with its duration', async () => {
    await page.goto(`${baseUrl}/`);
    for (const file of ['iphone.heic', 'turntable.webm']) {
      const tile = page.locator(`[data-asset-id="${ids.get(file)}"]`);
      await expect
        .poll(
          async () => {
            await page.reload();
            return tile.locator('img[data-thumbnail]').evaluateAll((images) => images.filter((image) => (image as HTMLImageElement).naturalWidth > 0).length);
          },
          { timeout: 120_000, intervals: [2000] },
        )
        .toBe(1);
    }
    expect(await page.locator(`[data-asset-id="${ids.get('turntable.webm')}"] [data-duration]`).innerText()).toMatch(/0:03$/);
    await screenshot(page, '41-media-library');
  });

  test('the HEIC page shows the upright picture; the video page plays the original', async () => {
    await page.goto(`${baseUrl}/assets/${ids.get('iphone.heic')}`);
    const picture = page.locator('main figure img');
    await expect.poll(() => picture.evaluate((image) => [(image as HTMLImageElement).naturalWidth, (image as HTMLImageElement).naturalHeight])).toEqual([1200, 800]);

    await page.goto(`${baseUrl}/assets/${ids.get('turntable.webm')}`);
    const player = page.locator('video[data-player]');
    await player.waitFor();
    // Its facts name the container it is (not ffprobe's family name) and how long it runs.
    const fact = (label: string) => page.locator('main dt', { hasText: new RegExp(`^${label}$`) }).locator('xpath=following-sibling::dd[1]').innerText();
    expect(await fact('Format')).toBe('WEBM (video/webm)');
    expect(await fact('Duration')).toBe('0:03');
    await player.evaluate(async (video) => {
      const element = video as HTMLVideoElement;
      element.muted = true;
      await element.play();
    });
    await expect.poll(() => player.evaluate((video) => (video as HTMLVideoElement).currentTime), { timeout: 20_000 }).toBeGreaterThan(0.5);
    // Seeking asks the file route for a byte range.
    await player.evaluate((video) => {
      (video as HTMLVideoElement).currentTime = 2.5;
    });
    await expect.poll(() => player.evaluate((video) => (video as HTMLVideoElement).readyState), { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    await screenshot(page, '42-media-video');
  });

  test('the admin page names the ffmpeg and ffprobe that made those frames, as each binary introduces itself', async () => {
    const tools = await videoTools();
    if (!tools) throw new Error('ffmpeg/ffprobe should come with the dependencies');
    const firstLine = (binary: string) => execFileSync(binary, ['-version'], { encoding: 'utf8' }).split('\n')[0].trim();
    await page.goto(`${baseUrl}/admin/users`);
    const shown = page.getByTestId('media-tools');
    await expect(shown).toContainText(firstLine(tools.ffmpeg));
    await expect(shown).toContainText(firstLine(tools.ffprobe));
    await screenshot(page, '43-media-tools');
  });
});
