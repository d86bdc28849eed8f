import sharp from 'sharp';
import { startDrupalFake, type DrupalFake, type FakeEntity, type FakeFile } from '@/test/drupal-fake';
import { ownAppWithOwner } from './support/owner';
import type { RunningApp } from './support/server';
import { expect, inject, test, type Page } from './support/test';

/**
 * A shop admin connects a Drupal site (the JSON:API fake of test/drupal-fake.ts, on 127.0.0.1) from
 * /admin/connections, choosing Drupal and its image field, syncs its article's photos in, approves the model's
 * text for the photo Drupal had none for, and sees it arrive in the article's field_image meta.alt.
 */
test.describe.serial('a Drupal site, connected, synced and written back', () => {
  let fake: DrupalFake;
  let app: RunningApp;
  let page: Page;
  let close: () => Promise<void>;
  let article: FakeEntity;
  let side: FakeFile;
  let top: FakeFile;

  test.beforeAll(async ({ browser }) => {
    fake = await startDrupalFake();
    const photo = (r: number) => sharp({ create: { width: 64, height: 48, channels: 3, background: { r, g: 90, b: 160 } } }).jpeg().toBuffer();
    side = fake.addFile('boot-side.jpg', await photo(30));
    top = fake.addFile('boot-top.jpg', await photo(220));
    article = fake.addEntity(fake.bundles[0], { title: 'Leather boot', images: [{ fileUuid: side.uuid, alt: 'Brown leather boot seen from the side' }, { fileUuid: top.uuid }] });
    // The site listens on 127.0.0.1, which connections refuse unless allowed.
    ({ app, page, close } = await ownAppWithOwner(browser, { fakeGroqUrl: inject('fakeGroqUrl'), env: { CONNECTIONS_ALLOW_PRIVATE: 'true' } }));
  });

  test.afterAll(async () => {
    await close?.();
    await fake?.close();
  });

  const card = () => page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Boot shop' }) });

  test('connects the site after checking the credentials and the image field with it', async () => {
    await page.goto(`${app.url}/admin/connections`);
    await page.getByRole('link', { name: 'Drupal', exact: true }).click();
    await page.getByRole('heading', { name: 'Connect a Drupal store' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Boot shop');
    await page.getByLabel('Site address').fill(fake.url);
    await page.getByLabel('User name').fill(fake.username);
    await page.getByLabel('Password', { exact: true }).fill(fake.password);
    await page.getByLabel('Image field').fill('field_image');
    await page.getByRole('button', { name: 'Check and connect' }).click();
    await expect(card()).toContainText('Active');
    expect(await page.content()).not.toContain(fake.password);
  });

  test('sync brings the photos in with Drupal’s alt text and the article as their product', async () => {
    await card().getByRole('button', { name: /^Sync now/ }).click();
    await expect
      .poll(async () => {
        await page.reload();
        return card().innerText();
      }, { timeout: 60_000 })
      .toContain('2 photos');
    const listed = await (await page.request.get(`${app.url}/api/assets?limit=10`)).json();
    const fromSite = listed.items.find((item: { alt: { text: string | null } }) => item.alt.text === 'Brown leather boot seen from the side');
    const asset = await (await page.request.get(`${app.url}/api/assets/${fromSite.id}`)).json();
    expect(asset).toMatchObject({ alt: { source: 'shop' }, product: { title: 'Leather boot' }, remotes: [{ remoteId: `${article.uuid}:${side.uuid}`, status: 'in_sync' }] });
  });

  test('approving the model’s text writes it to the image’s meta.alt in Drupal', async () => {
    const listed = await (await page.request.get(`${app.url}/api/assets?limit=10`)).json();
    const other = listed.items.find((item: { alt: { text: string | null } }) => item.alt.text !== 'Brown leather boot seen from the side');
    await expect
      .poll(async () => (await (await page.request.get(`${app.url}/api/assets/${other.id}`)).json()).alt.status, { timeout: 60_000 })
      .toBe('proposed');
    await page.goto(`${app.url}/review`);
    await page.getByRole('heading', { name: 'Review alt text' }).waitFor();
    await page.getByRole('button', { name: /^Approve/ }).first().click();
    await expect.poll(async () => (await (await page.request.get(`${app.url}/api/assets/${other.id}`)).json()).alt.status).toBe('approved');
    const approved = (await (await page.request.get(`${app.url}/api/assets/${other.id}`)).json()).alt.text as string;
    await expect.poll(() => fake.altOf(article.uuid, top.uuid), { timeout: 60_000 }).toBe(approved);
    expect(fake.altOf(article.uuid, side.uuid)).toBe('Brown leather boot seen from the side');
  });
});
