import sharp from 'sharp';
import { startShopifyFake, type FakeProduct, type ShopifyFake } from '@/test/shopify-fake';
import { ownAppWithOwner } from './support/owner';
import type { RunningApp } from './support/server';
import { expect, inject, test, type Page } from './support/test';

/**
 * A shop admin picks Shopify on /admin/connections, connects the fake shop (test/shopify-fake.ts) with a Dev
 * Dashboard app's client id and secret, and syncs its photos in with their product.
 */
test.describe.serial('a Shopify store, connected and synced', () => {
  let shop: ShopifyFake;
  let product: FakeProduct;
  let app: RunningApp;
  let page: Page;
  let close: () => Promise<void>;

  test.beforeAll(async ({ browser }) => {
    shop = await startShopifyFake({ restoreRate: 10_000 });
    const jpeg = (r: number) => sharp({ create: { width: 64, height: 48, channels: 3, background: { r, g: 90, b: 140 } } }).jpeg().toBuffer();
    product = shop.addProduct({ title: 'Linen shirt', handle: 'linen-shirt', skus: ['LS-M'], collections: ['Shirts'], images: [{ alt: 'White linen shirt, front', bytes: await jpeg(10) }, { bytes: await jpeg(200) }] });
    // The fake listens on 127.0.0.1, which connections refuse unless allowed.
    ({ app, page, close } = await ownAppWithOwner(browser, { fakeGroqUrl: inject('fakeGroqUrl'), env: { CONNECTIONS_ALLOW_PRIVATE: 'true' } }));
  });

  test.afterAll(async () => {
    await close?.();
    await shop?.stop();
  });

  const card = () => page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: 'Linen & Co' }) });

  test('asks for a Shopify store’s own fields and connects with a client id and secret', async () => {
    await page.goto(`${app.url}/admin/connections`);
    await page.getByRole('navigation', { name: 'Kind of store' }).getByRole('link', { name: 'Shopify' }).click();
    await page.getByRole('heading', { name: 'Connect a Shopify store' }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill('Linen & Co');
    await page.getByLabel('Shop', { exact: true }).fill(shop.url);
    await page.getByLabel('Client id').fill(shop.client.id);
    await page.getByLabel('Client secret').fill('shpss_wrong');
    await page.getByRole('button', { name: 'Check and connect' }).click();
    await expect(page.getByRole('alert')).toContainText('client id and secret');
    await page.getByLabel('Client secret').fill(shop.client.secret);
    await page.getByRole('button', { name: 'Check and connect' }).click();
    await expect(card()).toContainText('Active');
    await expect(card()).toContainText('shopify · signed in as linen-co.myshopify.com');
    expect(await page.content()).not.toContain(shop.client.secret);
  });

  test('sync brings the photos in with the shop’s alt text and their product', async () => {
    await card().getByRole('button', { name: /^Sync now/ }).click();
    await expect
      .poll(async () => {
        await page.reload();
        return card().innerText();
      }, { timeout: 60_000 })
      .toContain('2 photos');
    const listed = await (await page.request.get(`${app.url}/api/assets?limit=10`)).json();
    const front = listed.items.find((item: { alt: { text: string | null } }) => item.alt.text === 'White linen shirt, front');
    expect(front).toBeDefined();
    const asset = await (await page.request.get(`${app.url}/api/assets/${front.id}`)).json();
    expect(asset).toMatchObject({ alt: { source: 'shop' }, product: { title: 'Linen shirt' }, remotes: [{ remoteId: product.media[0], status: 'in_sync' }] });
  });
});
