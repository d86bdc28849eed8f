import { readdirSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, inject, test, type Page } from './support/test';
import { fixturePath, fixturesAvailable } from '@/test/fixtures';
import { screenshot } from './support/browser';
import { ensureOwnerSignedIn } from './support/owner';
import { finishedStatuses, rowTexts } from './support/uploads';

const COUNT = 20;
/** This file's photos carry their own tag, so the shared app's other uploads stay out of its queue. */
const TAG = 'review-e2e';

/** The last 20 product photos by name: other files take theirs from the front, so none is a duplicate here. */
function reviewPhotos(): string[] {
  const dir = fixturePath('products');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.jpg'))
    .sort()
    .slice(-COUNT)
    .map((name) => path.join(dir, name));
}

interface QueueAnswer {
  items: Array<{ id: string; status: string; text: string | null; version: number }>;
  counts: { total: number; status: Record<string, number> } | null;
}

async function queue(page: Page, baseUrl: string, query: string): Promise<QueueAnswer> {
  const response = await page.request.get(`${baseUrl}/api/alt/review?tag=${TAG}&counts=1&${query}`);
  expect(response.status()).toBe(200);
  return (await response.json()) as QueueAnswer;
}

/** Presses a key that sends a decision, and waits until the page has taken in the server's answer. */
async function decideWith(page: Page, key: string): Promise<void> {
  await Promise.all([page.waitForResponse((response) => response.url().endsWith('/api/alt/review') && response.request().method() === 'POST'), page.keyboard.press(key)]);
  await page.locator('[data-testid="review-queue"][aria-busy="false"]').waitFor();
}

async function expectNoSeriousAxeViolations(page: Page): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  expect(serious.map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`)).toEqual([]);
}

/** The queue's own count line ("N items match"), which the server renders. */
const matchCount = (page: Page) => page.locator('main p').filter({ hasText: /items? match/ }).first().innerText();

/** Two frames painted: whatever an effect did on mount has happened by then. */
async function afterTwoFrames(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))));
}

/** Whether the element lies wholly inside the window (below `top`, above `bottom`). */
async function withinWindow(page: Page, selector: ReturnType<Page['locator']>, top = 0, bottom?: number): Promise<boolean> {
  const box = await selector.boundingBox();
  const height = bottom ?? page.viewportSize()?.height ?? 0;
  return box !== null && box.y >= top && box.y + box.height <= height;
}

async function expectNoHorizontalScroll(page: Page): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
}

test.describe.serial('an accessibility lead reviews 20 AI proposals from the keyboard', () => {
  test.skip(!fixturesAvailable(), 'needs the shared fixtures (../shared) and, where named, TEST_DATABASE_URL');
  const baseUrl = inject('baseUrl');
  let page: Page;

  test.beforeAll(async ({ browser }) => {
    // AxeBuilder needs a page from an explicit context.
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await ensureOwnerSignedIn(page, baseUrl);
  });

  test.afterAll(async () => {
    await page?.context().close();
  });

  test('20 product photos are uploaded and the model proposes alt text for each', async () => {
    await page.goto(`${baseUrl}/upload`);
    await page.getByLabel('Tags').fill(TAG);
    await page.locator('input[type="file"]').setInputFiles(reviewPhotos());
    expect(await finishedStatuses(page, COUNT), await rowTexts(page)).toEqual(Array(COUNT).fill('stored'));
    await expect.poll(async () => (await queue(page, baseUrl, 'status=proposed')).counts?.total, { timeout: 180_000, intervals: [2000] }).toBe(COUNT);
  });

  test('the queue passes axe and is reviewed with keys only: approve, edit, reject, undo, bulk approve', async () => {
    await page.goto(`${baseUrl}/review?tag=${TAG}`);
    await page.getByRole('heading', { name: 'Review alt text' }).waitFor();
    await expect.poll(() => page.locator('figure img').evaluate((image) => (image as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    await screenshot(page, '40-review-queue');
    await expectNoSeriousAxeViolations(page);

    const before = (await queue(page, baseUrl, '')).items.map((item) => item.id);
    expect(before).toHaveLength(COUNT);

    expect(await matchCount(page)).toContain(`${COUNT} items match`);
    for (let i = 0; i < 5; i++) await decideWith(page, 'a');
    // The count is the server's after each decision, not the one the page was loaded with.
    await expect.poll(() => matchCount(page)).toContain(`${COUNT - 5} items match`);

    await page.keyboard.press('e');
    const box = page.getByLabel(/Your alt text/);
    await box.waitFor();
    await box.fill('Close-up of a product photographed on a plain white background, written by a person.');
    await screenshot(page, '41-review-edit');
    await decideWith(page, 'Control+Enter');

    await decideWith(page, 'r');
    await decideWith(page, 'a');
    await decideWith(page, 'z');
    expect(await page.locator('[role="alert"]:not(#__next-route-announcer__)').allInnerTexts()).toEqual([]);
    await expect.poll(() => page.getByRole('status').innerText()).toMatch(/^Undone: approved/);

    // The undone item is on screen again: select it, move to the last one, select the range, approve them all.
    await page.keyboard.press('x');
    for (let i = 0; i < COUNT - 8; i++) await page.keyboard.press('j');
    await page.keyboard.press('Shift+X');
    await expect.poll(() => page.getByText(/^13 selected/).count()).toBe(1);
    // Five approved, one edited (approved), one rejected (still waiting for a decision), one approved and undone.
    await expect.poll(() => page.getByRole('button', { name: /^Select all \d+ matching/ }).innerText()).toBe(`Select all ${COUNT - 6} matching this filter`);
    await screenshot(page, '42-review-bulk-selection');
    await decideWith(page, 'a');
    expect(await page.locator('[role="alert"]:not(#__next-route-announcer__)').count()).toBe(0);

    const approved = await queue(page, baseUrl, 'status=approved');
    expect(approved.counts?.total).toBe(COUNT - 1);
    const rejected = before[6];
    expect(approved.items.map((item) => item.id)).not.toContain(rejected);
    const edited = approved.items.find((item) => item.id === before[5]);
    expect(edited?.text).toBe('Close-up of a product photographed on a plain white background, written by a person.');
    const history = (await (await page.request.get(`${baseUrl}/api/assets/${before[7]}/alt`)).json()) as { history: Array<{ event: string; user: string | null }> };
    expect(history.history.slice(0, 3).map((entry) => entry.event)).toEqual(['approved', 'undone', 'approved']);
    expect(history.history[0].user).toBe('Olivia Owner');
  });

  test('help opens centred with ?, stays open, and closes with ? or Escape, focus going back where it was', async () => {
    const dialog = page.getByRole('dialog', { name: 'Review keys' });
    await page.keyboard.press('?');
    await dialog.waitFor();
    await afterTwoFrames(page);
    expect(await dialog.isVisible()).toBe(true);
    const box = await dialog.boundingBox();
    const view = page.viewportSize();
    if (!box || !view) throw new Error('the dialog has no box');
    expect(Math.abs(box.x + box.width / 2 - view.width / 2)).toBeLessThanOrEqual(2);
    expect(Math.abs(box.y + box.height / 2 - view.height / 2)).toBeLessThanOrEqual(2);
    await expectNoSeriousAxeViolations(page);
    await page.keyboard.press('?');
    await expect.poll(() => dialog.isVisible()).toBe(false);

    const keysButton = page.getByRole('button', { name: /^Keys/ });
    await keysButton.click();
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(await keysButton.evaluate((button) => button === document.activeElement)).toBe(true);
  });

  test('the coverage dashboard passes axe and links each number into the queue', async () => {
    await page.goto(`${baseUrl}/coverage`);
    await page.getByRole('heading', { name: 'Alt-text coverage' }).waitFor();
    await screenshot(page, '43-coverage');
    await expectNoSeriousAxeViolations(page);
    await page.getByRole('link', { name: `${COUNT - 1} approved in ${TAG}` }).click();
    await page.waitForURL(/\/review\?/);
    expect(new URL(page.url()).searchParams.get('status')).toBe('approved');
    expect(new URL(page.url()).searchParams.get('tag')).toBe(TAG);
    const csv = await page.request.get(`${baseUrl}/api/alt/coverage/missing`);
    expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
  });

  test('the queue and the dashboard work at 390 px wide', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    // Approved items still have their text: the proposal and the actions must both be in view.
    await page.goto(`${baseUrl}/review?tag=${TAG}&status=approved`);
    await page.getByRole('heading', { name: 'Review alt text' }).waitFor();
    const actions = page.getByTestId('review-actions');
    const proposal = page.getByRole('region', { name: 'Proposed text' });
    const header = await page.locator('body > div > header').boundingBox();
    const bar = await actions.boundingBox();
    if (!header || !bar) throw new Error('no header or action bar');
    expect(await withinWindow(page, actions)).toBe(true);
    expect(await withinWindow(page, proposal, header.y + header.height, bar.y)).toBe(true);
    await screenshot(page, '44-review-390-actions');
    // Scrolled to the end of the queue's list, the actions are still there.
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await expect.poll(() => withinWindow(page, page.getByRole('button', { name: /^Approve/ }))).toBe(true);

    await page.goto(`${baseUrl}/review`);
    await page.getByRole('heading', { name: 'Review alt text' }).waitFor();
    await expectNoHorizontalScroll(page);
    await screenshot(page, '44-review-390');
    await expectNoSeriousAxeViolations(page);
    await page.goto(`${baseUrl}/coverage`);
    await page.getByRole('heading', { name: 'Alt-text coverage' }).waitFor();
    await expectNoHorizontalScroll(page);
    // Each table fits the phone as it is, with nothing to scroll sideways inside it either.
    const tables = page.locator('main table');
    expect(await tables.count()).toBeGreaterThan(0);
    for (const table of await tables.all()) {
      expect(await table.evaluate((element) => element.getBoundingClientRect().right)).toBeLessThanOrEqual(390);
    }
    await screenshot(page, '45-coverage-390');
  });
});
