import { expect, inject, test, type Page } from './support/test';
import { fixturePath, fixturesAvailable } from '@/test/fixtures';
import { accessibilityProblems } from './support/a11y';
import { screenshot } from './support/browser';
import { ensureOwnerSignedIn } from './support/owner';

/** Product photos with the catalogue's article type as their tag (products.csv), one batch each. */
const CATALOGUE = [
  { file: '18432.jpg', tag: 'backpack' },
  { file: '18207.jpg', tag: 'cap' },
  { file: '20858.jpg', tag: 'sunglasses' },
  { file: '18801.jpg', tag: 'belt' },
];

async function uploadTagged(page: Page, baseUrl: string): Promise<Map<string, string>> {
  await page.goto(`${baseUrl}/upload`);
  for (const { file, tag } of CATALOGUE) {
    await page.getByLabel('Tags').fill(tag);
    await page.locator('input[type="file"]').setInputFiles(fixturePath('products', file));
  }
  const rows = page.locator('section[aria-label="Uploads"] li[data-status]');
  await expect.poll(() => rows.evaluateAll((all) => all.map((row) => row.getAttribute('data-status'))), { timeout: 60_000 }).toEqual(
    CATALOGUE.map(() => 'stored'),
  );
  const ids = new Map<string, string>();
  for (const { file } of CATALOGUE) {
    const href = await rows.filter({ hasText: file }).getByRole('link', { name: 'View' }).getAttribute('href');
    ids.set(file, href?.split('/').pop() ?? '');
  }
  return ids;
}

/** Types the query into the search box and returns the asset ids of the results, best first. */
async function resultsFor(page: Page, baseUrl: string, query: string): Promise<string[]> {
  await page.goto(`${baseUrl}/search`);
  await page.getByPlaceholder('Describe the photo, or type a filename or SKU').fill(query);
  const results = page.getByTestId('search-results').locator('[data-asset-id]');
  await results.first().waitFor({ timeout: 10_000 }).catch(() => undefined);
  return results.evaluateAll((all) => all.map((element) => element.getAttribute('data-asset-id') ?? ''));
}

test.describe.serial('a merchandiser finds photos by what they show', () => {
  test.skip(!fixturesAvailable(), 'needs the shared fixtures (../shared) and, where named, TEST_DATABASE_URL');
  const baseUrl = inject('baseUrl');
  let page: Page;
  let ids: Map<string, string>;

  test.beforeAll(async ({ browser }) => {
    // AxeBuilder needs a page from an explicit context.
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await ensureOwnerSignedIn(page, baseUrl);
  });

  test.afterAll(async () => {
    await page?.context().close();
  });

  test('an editor uploads product photos, each batch with its product type as a tag', async () => {
    ids = await uploadTagged(page, baseUrl);
    expect([...ids.values()].every((id) => /^[0-9a-f-]{36}$/.test(id))).toBe(true);
  });

  test('typing a product type ranks the photo of that product first', async () => {
    // Alt text and embeddings are written in the background; search finds each photo once they are.
    for (const { file, tag } of CATALOGUE) {
      await expect.poll(async () => (await resultsFor(page, baseUrl, tag))[0], { timeout: 120_000, intervals: [2000] }).toBe(ids.get(file));
    }
    await resultsFor(page, baseUrl, 'sunglasses');
    await screenshot(page, '30-search');
  });

  test('highlighted words keep their contrast on every line of a result (axe)', async () => {
    await resultsFor(page, baseUrl, 'sunglasses');
    // The tag line is the greyest text a highlight lands on.
    await page.getByTestId('search-results').locator('mark').first().waitFor();
    expect(await page.getByTestId('search-results').locator('mark').count()).toBeGreaterThan(1);
    expect(await accessibilityProblems(page)).toEqual([]);
  });

  test('the first Tab reaches a skip link that takes focus past the navigation to the page', async () => {
    // The library: the search page puts the focus in its search box, past the link, on purpose.
    await page.goto(`${baseUrl}/`);
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Skip to content' });
    expect(await skip.evaluate((link) => link === document.activeElement)).toBe(true);
    expect(await skip.isVisible()).toBe(true);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('content');
    // The next Tab lands inside the page, not on the navigation.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => Boolean(document.activeElement?.closest('#content')))).toBe(true);
  });
});
