import { expect, inject, test, type Browser, type BrowserContext, type Page } from './support/test';
import { screenshot } from './support/browser';
import { ensureOwnerSignedIn, setUpOwner } from './support/owner';
import { startApp, type RunningApp } from './support/server';

/**
 * Issue 9: an admin learns that VISION_MODEL is retired before the first upload. One app is configured with the
 * model Groq retired (the fake answers it as Groq does: missing from the list, 400 model_decommissioned); the
 * shared app runs the default model.
 */

const RETIRED = 'meta-llama/llama-4-scout-17b-16e-instruct';

test.describe.serial('the vision model check on the admin page', () => {
  let retiredApp: RunningApp;
  let browser: Browser;
  /** Every context this file opened, closed after its last test (the browser is the worker's). */
  const contexts: BrowserContext[] = [];

  async function newPage(width: number): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    contexts.push(context);
    return context.newPage();
  }

  test.beforeAll(async ({ browser: workerBrowser }) => {
    browser = workerBrowser;
    retiredApp = await startApp({ fakeGroqUrl: inject('fakeGroqUrl'), env: { VISION_MODEL: RETIRED } });
  });

  test.afterAll(async () => {
    for (const context of contexts) await context.close();
    await retiredApp?.stop();
  });

  test('with a retired VISION_MODEL the admin sees an alert naming it and the models to set instead, at 390 px', async () => {
    const page = await newPage(390);
    await page.goto(`${retiredApp.url}/`);
    await setUpOwner(page);
    await page.goto(`${retiredApp.url}/admin/users`);
    const notice = page.getByRole('alert').filter({ has: page.getByRole('heading', { name: 'The vision model is not available' }) });
    await notice.waitFor();
    const text = (await notice.textContent()) ?? '';
    expect(text).toContain(`groq does not offer VISION_MODEL=${RETIRED}`);
    expect(text).toContain('Set VISION_MODEL to one of: qwen/qwen3.8-27b, qwen/qwen3.6-27b.');
    expect(text).not.toContain('gpt-oss');
    await screenshot(page, 'model-check-retired');
    // Readable on a phone: the notice wraps inside the viewport (long model ids included).
    const box = await notice.boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    expect(await notice.evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true);
  });

  test('with the default model the admin sees a quiet line saying it is served and takes images', async () => {
    const page = await newPage(1280);
    const baseUrl = inject('baseUrl');
    await ensureOwnerSignedIn(page, baseUrl);
    await page.goto(`${baseUrl}/admin/users`);
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Vision model:' }).textContent()).toBe('Vision model: groq serves qwen/qwen3.8-27b and takes images.');
    expect(await page.getByRole('alert').filter({ hasText: 'vision model' }).count()).toBe(0);
  });
});
