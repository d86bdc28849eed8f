import path from 'node:path';
import { fixturesAvailable } from '@/test/fixtures';
import { formAlert, submitForm } from './support/forms';
import { OWNER, setUpOwner } from './support/owner';
import { startApp, type RunningApp } from './support/server';
import type { Locator } from '@playwright/test';
import { expect, test, type Browser, type BrowserContext, type Page } from './support/test';
import { expectLoadedThumbnails, finishedStatuses, productPhotos, rowTexts } from './support/uploads';

/**
 * The asset page's two editors (catalogue data, alt text) on a page opened by its URL, used once with
 * JavaScript (they open with "Edit" and save in place) and once without (their forms are on the page and post
 * to the server), each test checking through the API what was saved. A stale version is refused either way
 * and the page says what the asset holds now.
 */
test.describe.serial('the asset page editors, with and without JavaScript', () => {
  test.skip(!fixturesAvailable(), 'needs the shared fixtures (../shared)');
  let app: RunningApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  /** One photo per mode, so the two modes never edit the same asset. */
  const assetIds = new Map<boolean, string>();

  async function newPage(javaScript: boolean): Promise<Page> {
    const context = await browser.newContext({ javaScriptEnabled: javaScript, viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    return context.newPage();
  }

  test.beforeAll(async ({ browser: workerBrowser }) => {
    test.setTimeout(300_000);
    browser = workerBrowser;
    app = await startApp({ fakeGroqUrl: null });
    const owner = await newPage(true);
    await owner.goto(`${app.url}/setup`);
    await setUpOwner(owner);
    const files = productPhotos(2);
    await owner.goto(`${app.url}/upload`);
    await owner.locator('input[type="file"]').setInputFiles(files);
    expect(await finishedStatuses(owner, 2), await rowTexts(owner)).toEqual(['stored', 'stored']);
    for (const [index, javaScript] of [true, false].entries()) {
      const link = owner.locator('section[aria-label="Uploads"] li[data-status]').filter({ hasText: path.basename(files[index]) }).getByRole('link', { name: 'View' });
      assetIds.set(javaScript, ((await link.getAttribute('href')) ?? '').split('/').pop() ?? '');
    }
    // Processing done (thumbnails made), so nothing but these tests changes the photos' versions.
    await owner.goto(`${app.url}/`);
    await expectLoadedThumbnails(owner, 2);
  });

  test.afterAll(async () => {
    for (const context of contexts) await context.close();
    await app?.stop();
  });

  for (const javaScript of [true, false]) {
    const mode = javaScript ? 'with JavaScript' : 'without JavaScript';
    let page: Page;
    let assetId: string;

    /** The asset as the API answers it, with the page's own session. */
    const asset = async () => (await page.context().request.get(`${app.url}/api/assets/${assetId}`)).json();
    /** Another person's edit, through the API, after the page was loaded. */
    const editElsewhere = async (edit: Record<string, unknown>) => {
      const response = await page.context().request.patch(`${app.url}/api/assets/${assetId}`, { data: { ...edit, version: (await asset()).alt.version }, headers: { origin: app.url } });
      expect(response.status()).toBe(200);
    };
    /** Opens the editor (with JavaScript, by its button; without, its form is already on the page). */
    const open = async (region: Locator, button: string) => {
      if (javaScript) await region.getByRole('button', { name: button, exact: true }).click();
      else await expect(region.getByRole('button', { name: button, exact: true })).toHaveCount(0);
    };
    /** Saves and waits for the answer: in place with JavaScript, as a new page without. */
    const save = async (region: Locator) => {
      const button = region.getByRole('button', { name: 'Save', exact: true });
      if (javaScript) {
        const patched = page.waitForResponse((response) => response.request().method() === 'PATCH');
        await button.click();
        await patched;
      } else {
        await submitForm(page, button, false);
      }
    };
    const catalogue = () => page.getByRole('region', { name: 'Catalogue' });
    const altPanel = () => page.getByTestId('alt-text-panel');

    test.describe.serial(mode, () => {
      test.beforeAll(async () => {
        assetId = assetIds.get(javaScript) ?? '';
        page = await newPage(javaScript);
        await page.goto(`${app.url}/signin`);
        await page.getByLabel('Email').fill(OWNER.email);
        await page.getByLabel('Password').fill(OWNER.password);
        await submitForm(page, page.getByRole('button', { name: 'Sign in', exact: true }), javaScript);
        await page.waitForURL((url) => url.pathname === '/');
      });

      test('catalogue: title, SKU and tags are saved and shown', async () => {
        await page.goto(`${app.url}/assets/${assetId}`);
        await open(catalogue(), 'Edit catalogue data');
        await catalogue().getByLabel('Title').fill(`Wool coat (${mode})`);
        await catalogue().getByLabel('SKU').fill('COAT-42');
        await catalogue().getByLabel('Tags (separated by commas)').fill('winter, wool');
        await save(catalogue());
        await expect(catalogue().getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
        await expect(catalogue().locator('dl')).toContainText(`Wool coat (${mode})`);
        const saved = await asset();
        expect({ title: saved.title, sku: saved.sku, tags: saved.tags }).toEqual({ title: `Wool coat (${mode})`, sku: 'COAT-42', tags: ['winter', 'wool'] });
      });

      test('alt text: a person’s text is saved and shown', async () => {
        const text = `A grey wool coat on a hanger (${mode})`;
        await page.goto(`${app.url}/assets/${assetId}`);
        await open(altPanel(), 'Write alt text');
        await altPanel().getByRole('textbox', { name: /Alt text/ }).fill(text);
        await save(altPanel());
        await expect(altPanel().getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
        await expect(altPanel().getByTestId('alt-text')).toHaveText(text);
        const saved = await asset();
        expect({ text: saved.alt.text, source: saved.alt.source }).toEqual({ text, source: 'human' });
      });

      test('a stale version is refused: the page says what the asset holds now, and nothing is overwritten', async () => {
        await page.goto(`${app.url}/assets/${assetId}`);
        await editElsewhere({ title: 'Changed elsewhere', altText: 'Text written elsewhere' });
        await open(catalogue(), 'Edit catalogue data');
        await catalogue().getByLabel('Title').fill('My stale title');
        await save(catalogue());
        await expect(formAlert(page).filter({ hasText: 'Someone changed this asset since you opened it' })).toBeVisible();
        expect((await asset()).title).toBe('Changed elsewhere');
        if (!javaScript) {
          // The page shows the current data and keeps the edit in the form, now against the current version.
          await expect(catalogue().locator('dl')).toContainText('Changed elsewhere');
          await expect(catalogue().getByLabel('Title')).toHaveValue('My stale title');
          await save(catalogue());
          await expect(catalogue().getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
          expect((await asset()).title).toBe('My stale title');
        }

        await page.goto(`${app.url}/assets/${assetId}`);
        // With JavaScript the panel loads the text's details (and version) once it mounts: the other edit must come
        // after that, or the panel would simply load the newer version.
        if (javaScript) await expect(altPanel().getByText(/^History \(\d+\)$/)).toBeVisible();
        await editElsewhere({ altText: 'Newer text written elsewhere' });
        await open(altPanel(), 'Edit');
        await altPanel().getByRole('textbox', { name: /Alt text/ }).fill('My stale alt text');
        await save(altPanel());
        await expect(formAlert(page).filter({ hasText: 'Newer text written elsewhere' })).toBeVisible();
        await expect(altPanel().getByTestId('alt-text')).toHaveText('Newer text written elsewhere');
        expect((await asset()).alt.text).toBe('Newer text written elsewhere');
      });
    });
  }
});
