import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fixturesAvailable } from '@/test/fixtures';
import { accessibilityProblems } from './support/a11y';
import { formAlert, submitForm } from './support/forms';
import { OWNER, setUpOwner } from './support/owner';
import { startApp, type RunningApp } from './support/server';
import { expect, test, type Browser, type BrowserContext, type Page } from './support/test';
import { expectLoadedThumbnails, finishedStatuses, productPhotos, rowTexts } from './support/uploads';

/**
 * The CSV import page opened by its URL, used once with JavaScript and once without: choose a file and send it,
 * check the preview (changes first, the rows that will not apply folded behind their counts per reason, the tag
 * mode; axe finds nothing serious where it can run), switch the tag mode, apply, and check through the API that the photo's title and tags changed. The
 * file is kept on the server between preview and apply: the apply request carries its digest, never its rows.
 */
test.describe.serial('the import page, with and without JavaScript', () => {
  test.skip(!fixturesAvailable(), 'needs the shared fixtures (../shared)');
  let app: RunningApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  /** One photo per mode, so the two modes never import into the same asset. */
  const photos = new Map<boolean, { id: string; filename: string }>();
  const csvFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-import-nojs-'));

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
      const filename = path.basename(files[index]);
      const link = owner.locator('section[aria-label="Uploads"] li[data-status]').filter({ hasText: filename }).getByRole('link', { name: 'View' });
      photos.set(javaScript, { id: ((await link.getAttribute('href')) ?? '').split('/').pop() ?? '', filename });
    }
    // Processing done, so nothing but these tests changes the photos.
    await owner.goto(`${app.url}/`);
    await expectLoadedThumbnails(owner, 2);
  });

  test.afterAll(async () => {
    for (const context of contexts) await context.close();
    await app?.stop();
    fs.rmSync(csvFolder, { recursive: true, force: true });
  });

  for (const javaScript of [true, false]) {
    const mode = javaScript ? 'with JavaScript' : 'without JavaScript';
    const suffix = javaScript ? 'js' : 'nojs';

    test(`${mode}: a CSV is chosen, previewed, switched to replacing tags and back, applied; the photo's title and tags change`, async () => {
      const photo = photos.get(javaScript) ?? { id: '', filename: '' };
      const title = `Imported title (${mode})`;
      const csv = path.join(csvFolder, `catalogue-${suffix}.csv`);
      fs.writeFileSync(csv, `filename,title,tags\n${photo.filename},${title},imported-${suffix}\nnot-uploaded-${suffix}.jpg,Nobody,\n`);

      const page = await newPage(javaScript);
      await page.goto(`${app.url}/signin`);
      await page.getByLabel('Email').fill(OWNER.email);
      await page.getByLabel('Password').fill(OWNER.password);
      await submitForm(page, page.getByRole('button', { name: 'Sign in', exact: true }), javaScript);
      await page.waitForURL((url) => url.pathname === '/');

      await page.goto(`${app.url}/import`);
      await page.getByLabel('CSV file').setInputFiles(csv);
      // With JavaScript choosing the file sends it; without, the form is posted and the browser sent on to the preview.
      if (!javaScript) await page.getByRole('button', { name: 'Preview', exact: true }).click();
      await page.waitForURL((url) => url.pathname === '/import' && /^[0-9a-f]{64}$/.test(url.searchParams.get('file') ?? ''));
      const summary = page.getByRole('heading', { level: 2 }).filter({ hasText: 'rows:' });
      await expect(summary).toHaveText('2 rows: 1 will change a photo, 0 already match, 1 will not apply');
      await expect(formAlert(page)).toHaveCount(0);
      await expect(page.getByText(`Previewing catalogue-${suffix}.csv`)).toBeVisible();
      // axe runs as a script in the page, so only where scripts run; the server renders the same preview either way.
      if (javaScript) expect(await accessibilityProblems(page)).toEqual([]);

      // Changes first, each with what it replaces; the rest folded away behind their count per reason.
      const changes = page.getByRole('list', { name: 'Changes' });
      await expect(changes).toContainText(`Row 2: ${photo.filename}`);
      await expect(changes).toContainText(`Title: empty → “${title}”`);
      await expect(changes).toContainText(`Tags: empty → “imported-${suffix}”`);
      const notApplied = page.locator('details').filter({ hasText: 'will not apply' });
      expect((await changes.boundingBox())!.y).toBeLessThan((await notApplied.locator('summary').boundingBox())!.y);
      await expect(notApplied.locator('summary')).toHaveText('1 row will not apply');
      await expect(page.getByRole('list', { name: 'Rows not applied' })).toBeHidden();
      await notApplied.locator('summary').click();
      await expect(page.getByRole('list', { name: 'Not applied, by reason' })).toHaveText('1: no photo has this filename or SKU');
      await expect(page.getByRole('list', { name: 'Rows not applied' })).toContainText(`not-uploaded-${suffix}.jpg`);

      // Tags are merged by default and the preview says so; replacing is one choice (and, without JavaScript, one button) away.
      await expect(page.getByRole('radio', { name: /Add to the tags a photo has/ })).toBeChecked();
      await expect(page.getByText("Tags from the file are added to each photo's own tags.")).toBeVisible();
      const choose = async (label: RegExp) => {
        await page.getByRole('radio', { name: label }).check();
        if (!javaScript) await page.getByRole('button', { name: 'Preview again' }).click();
      };
      await choose(/Replace a photo's tags/);
      await expect(page.getByText("Tags from the file replace each photo's tags.")).toBeVisible();
      await expect(page.getByRole('radio', { name: /Replace a photo's tags/ })).toBeChecked();
      await choose(/Add to the tags a photo has/);
      await expect(page.getByText("Tags from the file are added to each photo's own tags.")).toBeVisible();

      // The apply form names the kept file and the preview by their digests: the CSV's rows never go back.
      const applied = page.waitForRequest((request) => request.method() === 'POST' && new URL(request.url()).pathname === '/import');
      await submitForm(page, page.getByRole('button', { name: 'Apply 1 change' }), javaScript);
      const body = (await applied).postData() ?? '';
      expect(body).toContain(new URL(page.url()).searchParams.get('file') ?? 'no digest in the address');
      expect(body).not.toContain(title);
      await expect(page.getByRole('status').filter({ hasText: 'Imported' })).toContainText('1 photo updated from 2 rows; 0 already matched; 1 row not applied.');

      const asset = await (await page.context().request.get(`${app.url}/api/assets/${photo.id}`)).json();
      expect({ title: asset.title, tags: asset.tags }).toEqual({ title, tags: [`imported-${suffix}`] });
    });
  }
});
