import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, inject, test, type Page } from './support/test';
import { fixturePath, fixturesAvailable } from '@/test/fixtures';
import { screenshot } from './support/browser';
import { ensureOwnerSignedIn } from './support/owner';

/** Photos from products.csv with the catalogue data the import should give them. */
const PRODUCTS = [
  { file: '15118.jpg', sku: 'SKU-15118', title: 'Catalogue import test: first product' },
  { file: '15370.jpg', sku: 'SKU-15370', title: 'Catalogue import test: second product' },
];

/** Pages to check for horizontal scrolling on phones (WCAG 1.4.10). */
const PAGES = ['/', '/import', '/export', '/api-reference', '/admin/users', '/admin/tokens', '/upload', '/search'];

async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

test.describe.serial('catalogue data in, alt text out, on any screen', () => {
  test.skip(!fixturesAvailable(), 'needs the shared fixtures (../shared) and, where named, TEST_DATABASE_URL');
  const baseUrl = inject('baseUrl');
  let page: Page;
  let csvPath: string;
  let assetId: string;

  test.beforeAll(async ({ browser }) => {
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await ensureOwnerSignedIn(page, baseUrl);
    csvPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-import-')), 'catalogue.csv');
    fs.writeFileSync(csvPath, `filename,sku,title,collection,tags\n${PRODUCTS.map((p) => `${p.file},${p.sku},${p.title},E2E collection,"e2e, import"`).join('\n')}\nnot-uploaded.jpg,X-1,Nobody,,\n`);
  });

  test.afterAll(async () => {
    await page?.context().close();
  });

  test('an editor imports a CSV: the preview shows each change and the row that will not apply; confirming applies it', async () => {
    await page.goto(`${baseUrl}/upload`);
    for (const { file } of PRODUCTS) await page.locator('input[type="file"]').setInputFiles(fixturePath('products', file));
    const rows = page.locator('section[aria-label="Uploads"] li[data-status]');
    await expect.poll(() => rows.evaluateAll((all) => all.map((row) => row.getAttribute('data-status'))), { timeout: 60_000 }).toEqual(PRODUCTS.map(() => 'stored'));
    assetId = (await rows.filter({ hasText: PRODUCTS[0].file }).getByRole('link', { name: 'View' }).getAttribute('href'))?.split('/').pop() ?? '';

    await page.goto(`${baseUrl}/import`);
    await page.getByLabel('CSV file').setInputFiles(csvPath);
    const summary = page.getByRole('heading', { level: 2 }).filter({ hasText: 'rows:' });
    const problem = page.locator('main [role="alert"]');
    await Promise.race([summary.waitFor({ timeout: 30_000 }), problem.waitFor({ timeout: 30_000 })]);
    expect(await problem.count(), (await problem.allTextContents()).join(' ')).toBe(0);
    expect(await summary.textContent()).toContain('3 rows: 2 will change a photo');
    // Changes first; the rows that will not apply folded away behind their count per reason.
    const changes = await page.getByRole('list', { name: 'Changes' }).boundingBox();
    const notApplied = page.locator('details').filter({ hasText: 'will not apply' });
    const folded = await notApplied.locator('summary').boundingBox();
    expect(changes && folded && changes.y < folded.y).toBe(true);
    expect(await notApplied.locator('summary').innerText()).toBe('1 row will not apply');
    expect(await page.getByRole('list', { name: 'Rows not applied' }).isVisible()).toBe(false);
    await notApplied.locator('summary').click();
    expect(await page.getByRole('list', { name: 'Not applied, by reason' }).innerText()).toBe('1: no photo has this filename or SKU');
    expect(await page.getByRole('list', { name: 'Rows not applied' }).textContent()).toContain('not-uploaded.jpg');
    // Tags are merged by default, and the preview says so; replacing is one choice away and previews again.
    expect(await page.getByRole('radio', { name: /Add to the tags a photo has/ }).isChecked()).toBe(true);
    await page.getByText("Tags from the file are added to each photo's own tags.").waitFor();
    await page.getByRole('radio', { name: /Replace a photo's tags/ }).check();
    await page.getByText("Tags from the file replace each photo's tags.").waitFor();
    await page.getByRole('radio', { name: /Add to the tags a photo has/ }).check();
    await page.getByText("Tags from the file are added to each photo's own tags.").waitFor();
    await screenshot(page, '40-import-preview');
    await page.getByRole('button', { name: 'Apply 2 changes' }).click();
    await page.getByText('2 photos updated from 3 rows').waitFor({ timeout: 30_000 });

    await page.goto(`${baseUrl}/assets/${assetId}`);
    expect(await page.getByRole('region', { name: 'Catalogue' }).textContent()).toContain(PRODUCTS[0].title);
    expect(await page.title()).toContain(PRODUCTS[0].file);
  });

  test('the catalogue editor on the asset page saves a new title with the version guard', async () => {
    await page.getByRole('button', { name: 'Edit catalogue data' }).click();
    await page.getByLabel('Title').fill('Edited in the browser');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.').waitFor();
    expect(await page.getByRole('region', { name: 'Catalogue' }).textContent()).toContain('Edited in the browser');
  });

  test('the export page downloads a CSV with the imported data', async () => {
    await page.goto(`${baseUrl}/export`);
    await page.getByLabel('Alt text status').selectOption('all');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download' }).click();
    const file = await (await download).path();
    const text = fs.readFileSync(file ?? '', 'utf8');
    expect(text.split('\r\n')[0]).toBe('filename,sku,title,collection,tags,alt_text,status,source,model,prompt_version,updated_at');
    expect(text).toContain(`${PRODUCTS[1].file},${PRODUCTS[1].sku},${PRODUCTS[1].title},E2E collection,"e2e, import"`);
  });

  for (const width of [390, 320]) {
    test(`no page scrolls sideways at ${width} px, and the library shows two columns`, async () => {
      await page.setViewportSize({ width, height: 800 });
      const overflowing: string[] = [];
      for (const url of [...PAGES, `/assets/${assetId}`]) {
        await page.goto(`${baseUrl}${url}`);
        const overflow = await horizontalOverflow(page);
        if (overflow > 0) overflowing.push(`${url}: ${overflow}px`);
      }
      expect(overflowing).toEqual([]);
      await page.goto(`${baseUrl}/`);
      expect(await page.getByRole('button', { name: /sign out/i }).isVisible()).toBe(true);
      const columns = await page.getByRole('list', { name: 'Assets' }).evaluate((grid) => getComputedStyle(grid).gridTemplateColumns.split(' ').length);
      expect(columns).toBe(2);
      await screenshot(page, `41-library-${width}`);
    });
  }
});
