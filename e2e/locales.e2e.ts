import { expect, inject, test, type Page } from './support/test';
import { fixturesAvailable } from '@/test/fixtures';
import { screenshot } from './support/browser';
import { ownAppWithOwner } from './support/owner';
import type { RunningApp } from './support/server';
import { finishedStatuses, productPhotos, rowTexts } from './support/uploads';

/**
 * Issue 19 with LOCALES=en,fr,de: an upload gets English text; approving it in the queue brings French and
 * German proposals (the fake Groq translates into the language asked for); the French queue shows its text
 * beside the English one and is reviewed on its own, leaving German waiting.
 */
interface QueueAnswer {
  items: Array<{ id: string; text: string | null; sourceText?: string | null }>;
}

async function queue(page: Page, baseUrl: string, query: string): Promise<QueueAnswer> {
  const response = await page.request.get(`${baseUrl}/api/alt/review?${query}`);
  expect(response.status()).toBe(200);
  return (await response.json()) as QueueAnswer;
}

/** Presses a key that sends a decision, and waits until the page has taken in the server's answer. */
async function decideWith(page: Page, key: string): Promise<void> {
  await Promise.all([page.waitForResponse((response) => response.url().endsWith('/api/alt/review') && response.request().method() === 'POST'), page.keyboard.press(key)]);
  await page.locator('[data-testid="review-queue"][aria-busy="false"]').waitFor();
}

test.describe.serial('alt text per locale', () => {
  test.skip(!fixturesAvailable(), 'needs the shared fixtures (../shared)');
  let app: RunningApp;
  let page: Page;
  let close: (() => Promise<void>) | undefined;
  const photos = fixturesAvailable() ? productPhotos(1) : [];

  test.beforeAll(async ({ browser }) => {
    ({ app, page, close } = await ownAppWithOwner(browser, { fakeGroqUrl: inject('fakeGroqUrl'), env: { LOCALES: 'en,fr,de' } }));
  });

  test.afterAll(async () => {
    await close?.();
  });

  test('approving the English text brings French and German proposals; French is reviewed on its own', async () => {
    await page.goto(`${app.url}/upload`);
    await page.locator('input[type="file"]').setInputFiles(photos);
    expect(await finishedStatuses(page, photos.length), await rowTexts(page)).toEqual(['stored']);
    await expect.poll(async () => (await queue(page, app.url, '')).items.filter((item) => item.text).length, { timeout: 60_000 }).toBe(1);
    const [english] = (await queue(page, app.url, '')).items;

    await page.goto(`${app.url}/review`);
    // With three locales, the queue offers each locale's own.
    await expect(page.getByRole('navigation', { name: 'Locales' }).getByRole('link')).toHaveCount(3);
    await page.locator('[data-testid="review-queue"][aria-busy="false"]').waitFor();
    await decideWith(page, 'a');

    await expect.poll(async () => (await queue(page, app.url, 'locale=fr')).items.length, { timeout: 60_000 }).toBe(1);
    await expect.poll(async () => (await queue(page, app.url, 'locale=de')).items.length, { timeout: 60_000 }).toBe(1);
    const [french] = (await queue(page, app.url, 'locale=fr')).items;
    expect(french.sourceText).toBe(english.text);
    expect(french.text).not.toBe(english.text);

    await page.goto(`${app.url}/review?locale=fr`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Review alt text: fr');
    await expect(page.getByRole('region', { name: 'Source text' })).toContainText(english.text ?? '');
    await expect(page.getByRole('region', { name: 'Proposed text' })).toContainText(french.text ?? '');
    await screenshot(page, 'locales-review-fr');
    await page.locator('[data-testid="review-queue"][aria-busy="false"]').waitFor();
    await decideWith(page, 'a');

    await expect.poll(async () => (await queue(page, app.url, 'locale=fr')).items.length).toBe(0);
    expect((await queue(page, app.url, 'locale=fr&status=approved')).items.map((item) => item.text)).toEqual([french.text]);
    // German was not touched by the French decision.
    expect((await queue(page, app.url, 'locale=de')).items).toHaveLength(1);
    const exported = await page.request.get(`${app.url}/api/exports?format=csv&status=approved&locale=fr`);
    expect(await exported.text()).toContain(french.text ?? '');
  });
});
