import type { FakeGroq } from '@/test/fake-groq';
import { fixturesAvailable } from '@/test/fixtures';
import { expect, test, type Page } from './support/test';
import { screenshot } from './support/browser';
import { startE2eFakeGroq } from './support/fake-groq';
import { ownAppWithOwner } from './support/owner';
import type { RunningApp } from './support/server';
import { finishedStatuses, productPhotos, rowTexts } from './support/uploads';

/**
 * Issue 17: after a vision provider outage (every call answers 500) a photo has no alt text and Loupe will try
 * again by itself. Every page calls it retrying, none calls it failed, and the time of the next try is shown.
 */
test.describe.serial('a photo whose alt text is retrying after an outage', () => {
  test.skip(!fixturesAvailable(), 'needs the shared fixtures (../shared)');
  let fake: FakeGroq;
  let app: RunningApp;
  let page: Page;
  let close: (() => Promise<void>) | undefined;
  let assetId = '';

  test.beforeAll(async ({ browser }) => {
    fake = await startE2eFakeGroq();
    fake.setDefault({ kind: 'status', status: 500 });
    ({ app, page, close } = await ownAppWithOwner(browser, { fakeGroqUrl: fake.url }));
  });

  test.afterAll(async () => {
    await close?.();
    await fake?.close();
  });

  const stateLink = (name: string) => page.getByRole('navigation', { name: 'Show photos by state' }).getByRole('link', { name: new RegExp(`^${name} \\(`) });

  test('the upload ends stored, and the library lists it under Retrying (not Failed) with the time of the next try', async () => {
    await page.goto(`${app.url}/upload`);
    await page.locator('input[type="file"]').setInputFiles(productPhotos(1));
    expect(await finishedStatuses(page, 1), await rowTexts(page)).toEqual(['stored']);
    await expect
      .poll(async () => {
        await page.goto(`${app.url}/?state=retrying`);
        return page.locator('ul[aria-label="Assets"] [data-condition="retrying"]').count();
      }, { timeout: 60_000 })
      .toBe(1);
    expect(await stateLink('Retrying').textContent()).toBe('Retrying (1)');
    expect(await stateLink('Failed').textContent()).toBe('Failed (0)');
    const tile = page.locator('ul[aria-label="Assets"] li').first();
    // The tile names one retrying step: the alt text, or indexing when the embedding also had to wait (a loaded
    // machine can time out the model's first load); the asset page below checks the alt text's own next try.
    expect(await tile.locator('[data-condition="retrying"]').textContent()).toMatch(/^(Alt text|Indexing): will retry$/);
    expect(await tile.locator('[data-next-try]').textContent()).toMatch(/^Next try in \d+ minutes? \(at .+\)$/);
    assetId = (await tile.locator('a[data-asset-id]').first().getAttribute('data-asset-id')) ?? '';
    await screenshot(page, 'retrying-library');
  });

  test('the photo’s page says when the next try is, and coverage counts it as retrying, not failed', async () => {
    await page.goto(`${app.url}/assets/${assetId}`);
    expect(await page.locator('[data-testid="alt-text-panel"] [data-next-try]').textContent()).toMatch(/^Next try in \d+ minutes? \(at .+\)$/);
    expect(await page.getByRole('button', { name: 'Try now' }).count()).toBe(1);
    await screenshot(page, 'retrying-asset');
    await page.goto(`${app.url}/coverage`);
    const overall = page.getByRole('region', { name: 'Whole catalogue' });
    expect(await overall.getByRole('link', { name: /^Retrying/ }).textContent()).toMatch(/Retrying\s*1$/);
    expect(await overall.getByRole('link', { name: /^Failed/ }).textContent()).toMatch(/Failed\s*0$/);
  });
});
