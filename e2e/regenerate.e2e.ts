import type { FakeGroq } from '@/test/fake-groq';
import { fixturesAvailable } from '@/test/fixtures';
import { expect, test, type Page } from './support/test';
import { startE2eFakeGroq } from './support/fake-groq';
import { ownAppWithOwner } from './support/owner';
import type { RunningApp } from './support/server';
import { finishedStatuses, productPhotos, rowTexts } from './support/uploads';

/**
 * Regenerate on the asset page is a job, not a request that waits on the model: the button says it is
 * regenerating while the model has the image, and the page picks up the new text once the job has run.
 */
test.describe.serial('regenerating a photo’s alt text', () => {
  test.skip(!fixturesAvailable(), 'needs the shared fixtures (../shared)');
  let fake: FakeGroq;
  let app: RunningApp;
  let page: Page;
  let close: (() => Promise<void>) | undefined;

  test.beforeAll(async ({ browser }) => {
    fake = await startE2eFakeGroq();
    ({ app, page, close } = await ownAppWithOwner(browser, { fakeGroqUrl: fake.url }));
  });

  test.afterAll(async () => {
    await close?.();
    await fake?.close();
  });

  test('says Regenerating… while the job waits on the model, then shows the new text', async () => {
    await page.goto(`${app.url}/upload`);
    await page.locator('input[type="file"]').setInputFiles(productPhotos(1));
    expect(await finishedStatuses(page, 1), await rowTexts(page)).toEqual(['stored']);
    const href = (await page.locator('section[aria-label="Uploads"] li[data-status]').first().getByRole('link', { name: 'View' }).getAttribute('href')) ?? '';
    await page.goto(`${app.url}${href}`);
    const panel = page.getByTestId('alt-text-panel');
    // The model's first text, written by the upload's own jobs.
    await expect.poll(async () => {
      await page.reload();
      return panel.getByTestId('alt-text').count();
    }, { timeout: 60_000 }).toBe(1);
    const first = await panel.getByTestId('alt-text').textContent();

    let release = () => {};
    const newText = 'Navy wool jumper folded on a pale oak table, seen from above.';
    fake.script({ kind: 'held', until: new Promise<void>((resolve) => (release = resolve)), then: { kind: 'text', content: newText } });
    const before = fake.requests.length;
    await panel.getByRole('button', { name: 'Regenerate' }).click();
    await expect(panel.getByRole('button', { name: 'Regenerating…' })).toBeDisabled();
    await expect(panel.getByRole('status')).toContainText('Regenerating');
    // The job has asked the model; the page still shows the old text while it works.
    await expect.poll(() => fake.requests.length, { timeout: 30_000 }).toBeGreaterThan(before);
    expect(await panel.getByTestId('alt-text').textContent()).toBe(first);

    release();
    await expect(panel.getByTestId('alt-text')).toHaveText(newText, { timeout: 30_000 });
    await expect(panel.getByRole('status')).toHaveText('The model wrote a new alt text.');
    await expect(panel.getByRole('button', { name: 'Regenerate' })).toBeEnabled();
  });
});
