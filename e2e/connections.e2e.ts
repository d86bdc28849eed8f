import { fixturesAvailable } from '@/test/fixtures';
import { startWordPress, wordpressAvailable, type WordPressSite } from '@/test/wordpress';
import { ownAppWithOwner } from './support/owner';
import type { RunningApp } from './support/server';
import { expect, inject, test, type Page } from './support/test';

/**
 * A shop admin connects a real WordPress (Debian's package, served by php -S), syncs its photos into Loupe,
 * approves the model's text for a photo the store had none for, and sees the text arrive in the store: on the
 * asset page ("In the store") and in WordPress's own database.
 */
test.describe.serial('a WordPress store, connected, synced and written back', () => {
  test.skip(!wordpressAvailable(), 'WordPress, PHP or MariaDB is not installed (.ci/setup-machine.sh installs them)');
  test.skip(!fixturesAvailable(), 'needs the shared fixtures (../shared): the store is filled with its product photos');

  let site: WordPressSite;
  let app: RunningApp;
  let page: Page;
  let close: () => Promise<void>;
  let withAlt: number;
  let withoutAlt: number;

  test.beforeAll(async ({ browser }) => {
    site = await startWordPress();
    const sneaker = await site.createPost('Canvas sneaker', ['Shoes']);
    [withAlt, withoutAlt] = await site.seedMedia([
      { file: '10053.jpg', alt: 'Navy canvas sneaker seen from the side', parent: sneaker },
      { file: '10439.jpg', parent: sneaker },
    ]);
    // The store listens on 127.0.0.1, which connections refuse unless allowed.
    ({ app, page, close } = await ownAppWithOwner(browser, { fakeGroqUrl: inject('fakeGroqUrl'), env: { CONNECTIONS_ALLOW_PRIVATE: 'true' } }));
  });

  test.afterAll(async () => {
    await close?.();
    await site?.stop();
  });

  const card = () => page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Main shop' }) });

  test('connects the store after checking the credentials with it', async () => {
    await page.goto(`${app.url}/admin/connections`);
    await page.getByLabel('Name', { exact: true }).fill('Main shop');
    await page.getByLabel('Store address').fill(site.url);
    await page.getByLabel('User name').fill(site.username);
    await page.getByLabel('Application password').fill(site.applicationPassword);
    await page.getByRole('button', { name: 'Check and connect' }).click();
    await expect(card()).toContainText('Active');
    expect(await page.content()).not.toContain(site.applicationPassword);
  });

  test('sync brings the photos in with the store’s alt text and their product', async () => {
    await card().getByRole('button', { name: /^Sync now/ }).click();
    await expect
      .poll(async () => {
        await page.reload();
        return card().innerText();
      }, { timeout: 60_000 })
      .toContain('2 photos');
    const listed = await (await page.request.get(`${app.url}/api/assets?limit=10`)).json();
    const fromStore = listed.items.find((item: { alt: { text: string | null } }) => item.alt.text === 'Navy canvas sneaker seen from the side');
    expect(fromStore).toBeDefined();
    const asset = await (await page.request.get(`${app.url}/api/assets/${fromStore.id}`)).json();
    expect(asset).toMatchObject({ alt: { source: 'shop' }, product: { title: 'Canvas sneaker' }, remotes: [{ remoteId: String(withAlt), status: 'in_sync' }] });
  });

  test('approving the model’s text writes it to the store, and the asset page says so', async () => {
    const listed = await (await page.request.get(`${app.url}/api/assets?limit=10`)).json();
    const other = listed.items.find((item: { alt: { text: string | null } }) => item.alt.text !== 'Navy canvas sneaker seen from the side');
    expect(other).toBeDefined();
    expect((await (await page.request.get(`${app.url}/api/assets/${other.id}`)).json()).remotes).toMatchObject([{ remoteId: String(withoutAlt) }]);
    // The fake Groq describes the photo the store had no text for; the proposal waits in review.
    await expect
      .poll(async () => (await (await page.request.get(`${app.url}/api/assets/${other.id}`)).json()).alt.status, { timeout: 60_000 })
      .toBe('proposed');
    await page.goto(`${app.url}/review`);
    await page.getByRole('heading', { name: 'Review alt text' }).waitFor();
    await page.getByRole('button', { name: /^Approve/ }).first().click();
    await expect.poll(async () => (await (await page.request.get(`${app.url}/api/assets/${other.id}`)).json()).alt.status).toBe('approved');
    const approved = (await (await page.request.get(`${app.url}/api/assets/${other.id}`)).json()).alt.text as string;

    // The approval's writeback job takes the text to WordPress (read from its own database), and the asset page
    // says the store holds it.
    await expect.poll(() => site.readAlt(withoutAlt), { timeout: 60_000 }).toBe(approved);
    await expect
      .poll(async () => {
        await page.goto(`${app.url}/assets/${other.id}`);
        return page.getByRole('region', { name: /stores/i }).innerText();
      })
      .toMatch(/In the store/);
    // The photo whose text came from the store is left as the store has it.
    expect(await site.readAlt(withAlt)).toBe('Navy canvas sneaker seen from the side');
  });
});
