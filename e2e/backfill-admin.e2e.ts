import { expect, inject, test, type Page } from './support/test';
import { screenshot } from './support/browser';
import { setUpOwner } from './support/owner';
import { startApp, type RunningApp } from './support/server';

/** Admin → Backfill at phone width, from the keyboard: coverage, provider state, the dry run and run-now buttons, the mode, recent runs. */
test.describe.serial('the backfill admin page', () => {
  let app: RunningApp;
  let page: Page;

  test.beforeAll(async ({ browser }) => {
    app = await startApp({ fakeGroqUrl: inject('fakeGroqUrl') });
    page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    await page.goto(`${app.url}/`);
    await setUpOwner(page);
  });

  test.afterAll(async () => {
    await page?.context().close();
    await app?.stop();
  });

  test('shows coverage and the provider, runs a dry run and a run from its buttons, and lists the run', async () => {
    await page.goto(`${app.url}/admin/users`);
    await page.getByRole('navigation', { name: 'Admin' }).getByRole('link', { name: 'Backfill' }).click();
    await page.waitForURL((url) => url.pathname === '/admin/backfill');
    for (const key of ['approved', 'proposed', 'missing', 'failed', 'decorative']) await expect(page.getByTestId(`coverage-${key}`).textContent()).resolves.toMatch(/\d/);
    await expect(page.getByRole('heading', { name: 'Vision provider' }).isVisible()).resolves.toBe(true);
    // No horizontal scrolling at 390 px.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);

    await page.getByLabel('At most (assets)').fill('10');
    await page.getByRole('button', { name: 'Dry run' }).focus();
    await page.keyboard.press('Enter');
    const plan = page.getByTestId('dry-run');
    await plan.waitFor();
    expect(await plan.textContent()).toContain('Would describe 0 assets');
    expect(await plan.textContent()).toContain('No model was called.');
    await screenshot(page, 'admin-backfill-dry-run');

    await page.getByRole('button', { name: 'Run now' }).click();
    await page.getByText('Backfill started.').waitFor();
    // The run is recorded by after() once the answer has gone: reload until the page lists it.
    await expect
      .poll(
        async () => {
          await page.reload();
          return page.getByTestId('backfill-run').count();
        },
        { timeout: 30_000 },
      )
      .toBe(1);
    expect(await page.getByTestId('backfill-run').first().textContent()).toContain('admin');
    await screenshot(page, 'admin-backfill-run');
  });

  test("chooses Groq's Batch API: the dry run prices both modes, and a run starts through the Batch API", async () => {
    // One run at a time: the previous test's run has ended before this one starts.
    await expect
      .poll(
        async () => {
          await page.goto(`${app.url}/admin/backfill`);
          return page.getByText('running…').count();
        },
        { timeout: 30_000 },
      )
      .toBe(0);
    await expect(page.getByText('None sent.').isVisible()).resolves.toBe(true);
    const mode = page.getByLabel('Mode');
    await expect(mode.inputValue()).resolves.toBe('online');
    await mode.selectOption('batch');
    await page.getByRole('button', { name: 'Dry run' }).click();
    const plan = page.getByTestId('dry-run');
    await plan.waitFor();
    expect(await plan.textContent()).toMatch(/online, or \$\d+\.\d{4} through Groq's Batch API/);
    // The choice stays made after the dry run.
    await expect(mode.inputValue()).resolves.toBe('batch');
    await page.getByRole('button', { name: 'Run now' }).click();
    await page.getByText("Backfill started through Groq's Batch API.").waitFor();
    await screenshot(page, 'admin-backfill-batch');
  });
});
