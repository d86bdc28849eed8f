import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '@/lib/outbound';
import { startShopifyFake, type ShopifyFake } from '@/test/shopify-fake';
import { FILES_PER_CALL, PRODUCTS_PER_PAGE, shopifyConnector as shopify, shopifyPaceStats, useShopifyClock } from './shopify';
import type { RemoteImage, StoreAccess } from './types';

/**
 * The Shopify connector against the fake shop (test/shopify-fake.ts): real HTTP on 127.0.0.1, queries parsed and
 * validated against the Admin schema's part Loupe uses, the query cost's leaky bucket, tokens that expire.
 */

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]);

let fake: ShopifyFake;

function tokenAccess(store: ShopifyFake = fake): StoreAccess {
  return { url: store.url, username: 'Admin API access token', secret: JSON.stringify({ accessToken: store.staticToken }), settings: {}, allowPrivate: true };
}

function clientAccess(store: ShopifyFake = fake, secret = store.client.secret): StoreAccess {
  return { url: store.url, username: store.client.id, secret: JSON.stringify({ clientId: store.client.id, clientSecret: secret }), settings: {}, allowPrivate: true };
}

/** The connector measures token lifetimes and its bucket on the fake's clock, which the tests move forward. */
function followClock(store: ShopifyFake) {
  useShopifyClock({ now: store.now, sleep: systemClock.sleep });
}

async function everyImage(access: StoreAccess, since: string | null = null): Promise<RemoteImage[]> {
  const images: RemoteImage[] = [];
  let cursor: string | null = null;
  do {
    const page = await shopify.listChangedImages(access, { since, cursor });
    if (!page.ok) throw new Error(page.message);
    images.push(...page.images);
    cursor = page.next;
  } while (cursor);
  return images;
}

beforeAll(async () => {
  fake = await startShopifyFake({ restoreRate: 10_000 });
});

beforeEach(() => followClock(fake));

afterAll(async () => {
  await fake?.stop();
  useShopifyClock(systemClock);
});

describe('connecting', () => {
  it('takes a shop with a token, or with a client id and secret, never both nor half', () => {
    const ok = (input: object) => shopify.connectInput.safeParse(input);
    expect(ok({ shop: 'linen-co.myshopify.com', accessToken: 'shpat_1' }).success).toBe(true);
    expect(ok({ shop: 'https://proxy.example.com/shopify', clientId: 'id', clientSecret: 'secret' }).success).toBe(true);
    const issue = (input: object) => {
      const parsed = ok(input);
      return parsed.success ? null : { path: parsed.error.issues[0].path.join('.'), message: parsed.error.issues[0].message };
    };
    expect(issue({ shop: 'linen-co.myshopify.com' })).toMatchObject({ path: 'accessToken', message: expect.stringContaining('client id and client secret') });
    expect(issue({ shop: 'linen-co.myshopify.com', accessToken: 't', clientId: 'id', clientSecret: 's' })).toMatchObject({ path: 'accessToken', message: expect.stringContaining('not both') });
    expect(issue({ shop: 'linen-co.myshopify.com', clientId: 'id' })).toMatchObject({ path: 'clientSecret' });
    expect(issue({ shop: 'linen-co.myshopify.com', clientSecret: 's' })).toMatchObject({ path: 'clientId' });
    expect(issue({ shop: 'linen-co', accessToken: 't' })).toMatchObject({ path: 'shop', message: expect.stringContaining('myshopify.com') });
    expect(issue({ shop: 'linen-co.myshopify.com', accessToken: 't\u0000' })).toMatchObject({ path: 'accessToken' });
  });

  it('reaches name.myshopify.com over https, and keeps one secret holding what was given', () => {
    expect(shopify.accessFrom({ shop: 'Linen-Co.myshopify.com', accessToken: 'shpat_1' })).toEqual({ url: 'https://linen-co.myshopify.com', username: 'Admin API access token', secret: '{"accessToken":"shpat_1"}', settings: {} });
    expect(shopify.accessFrom({ shop: 'http://127.0.0.1:9999', clientId: 'id', clientSecret: 's' })).toMatchObject({ url: 'http://127.0.0.1:9999', username: 'id', secret: '{"clientId":"id","clientSecret":"s"}' });
  });

  it('verifies a token and names the shop', async () => {
    expect(await shopify.verify(tokenAccess())).toEqual({ ok: true, account: 'linen-co.myshopify.com' });
  });

  it('verifies a client id and secret through the client-credentials grant', async () => {
    const grants = fake.calls.tokenGrants;
    expect(await shopify.verify(clientAccess())).toEqual({ ok: true, account: 'linen-co.myshopify.com' });
    expect(fake.calls.tokenGrants).toBe(grants + 1);
  });

  it('refuses a wrong token and a wrong client secret as unauthorized', async () => {
    const wrongToken = await shopify.verify({ ...tokenAccess(), secret: JSON.stringify({ accessToken: 'shpat_wrong' }) });
    expect(wrongToken).toMatchObject({ ok: false, code: 'unauthorized' });
    const wrongSecret = await shopify.verify(clientAccess(fake, 'shpss_wrong'));
    expect(wrongSecret).toMatchObject({ ok: false, code: 'unauthorized', message: expect.stringContaining('client id and secret') });
  });

  it('names the scopes the app lacks', async () => {
    const narrow = await startShopifyFake({ scopes: ['read_products'] });
    try {
      const answer = await shopify.verify(tokenAccess(narrow));
      expect(answer).toMatchObject({ ok: false, code: 'forbidden' });
      expect(!answer.ok && answer.message).toContain('write_files');
      expect(!answer.ok && answer.message).not.toContain('read_products,');
    } finally {
      await narrow.stop();
    }
  });

  it('counts a write scope as its read scope', async () => {
    const writeOnly = await startShopifyFake({ scopes: ['write_products', 'write_files'] });
    try {
      expect(await shopify.verify(tokenAccess(writeOnly))).toMatchObject({ ok: true });
    } finally {
      await writeOnly.stop();
    }
  });

  it('says the address is no Admin API when the pinned version is not served there', async () => {
    const other = await startShopifyFake({ version: '2025-01' });
    try {
      expect(await shopify.verify(tokenAccess(other))).toMatchObject({ ok: false, code: 'not_platform', message: expect.stringContaining('SHOPIFY_API_VERSION') });
    } finally {
      await other.stop();
    }
  });
});

describe('syncing', () => {
  it('lists every MediaImage with its product, page after page, and leaves videos and failed images out', async () => {
    const shop = await startShopifyFake({ restoreRate: 10_000 });
    followClock(shop);
    try {
      const shirt = shop.addProduct({
        title: 'Linen shirt',
        handle: 'linen-shirt',
        skus: ['LS-S', 'LS-M', 'LS-S'],
        collections: ['Summer', 'Shirts'],
        images: [{ alt: 'A white linen shirt', bytes: JPEG }, { bytes: JPEG, kind: 'VIDEO' }, { bytes: JPEG }, { bytes: JPEG, status: 'FAILED' }],
      });
      for (let n = 0; n < PRODUCTS_PER_PAGE + 2; n++) shop.addProduct({ title: `Towel ${n}`, images: [{ bytes: JPEG, alt: `Towel ${n}` }] });
      const images = await everyImage(tokenAccess(shop));
      expect(images).toHaveLength(2 + PRODUCTS_PER_PAGE + 2);
      expect(shop.calls.operations.filter((name) => name === 'LoupeProducts')).toHaveLength(2);
      const shirtImages = images.filter((image) => image.product?.remoteId === shirt.id);
      expect(shirtImages).toMatchObject([
        { remoteId: shirt.media[0], altText: 'A white linen shirt', position: 0, mimeType: 'image/jpeg', product: { title: 'Linen shirt', handle: 'linen-shirt', sku: 'LS-S, LS-M', collection: 'Summer, Shirts' } },
        { remoteId: shirt.media[2], altText: '', position: 2 },
      ]);
      const fetched = await shopify.fetchImage(tokenAccess(shop), shirtImages[0], { maxBytes: 1024 });
      expect(fetched.ok).toBe(true);
      if (fetched.ok) {
        const chunks: Buffer[] = [];
        for await (const chunk of fetched.body) chunks.push(chunk as Buffer);
        expect(Buffer.concat(chunks)).toEqual(JPEG);
      }
    } finally {
      await shop.stop();
    }
  });

  it('lists only products changed since the last sync', async () => {
    const shop = await startShopifyFake({ restoreRate: 10_000 });
    followClock(shop);
    try {
      const old = shop.addProduct({ title: 'Old', images: [{ bytes: JPEG }] });
      shop.addProduct({ title: 'Untouched', images: [{ bytes: JPEG }] });
      // Past the one second the filter looks back (a change in the since's own second is listed again).
      shop.advance(5000);
      const first = await shopify.listChangedImages(tokenAccess(shop), { since: null, cursor: null });
      expect(first.ok && first.storeTime).toBeTruthy();
      shop.advance(5000);
      shop.editAlt(old.media[0], 'Edited in the shop');
      const changed = await everyImage(tokenAccess(shop), first.ok ? first.storeTime : null);
      expect(changed.map((image) => [image.remoteId, image.altText])).toEqual([[old.media[0], 'Edited in the shop']]);
    } finally {
      await shop.stop();
    }
  });
});

describe('writing alt text', () => {
  it('writes and reads back one image’s alt text', async () => {
    const product = fake.addProduct({ title: 'Mug', images: [{ bytes: JPEG, alt: 'old' }] });
    const id = product.media[0];
    expect(await shopify.writeAlt(tokenAccess(), id, 'A blue stoneware mug')).toEqual({ ok: true, altText: 'A blue stoneware mug' });
    expect(await shopify.readAlt(tokenAccess(), id)).toEqual({ ok: true, altText: 'A blue stoneware mug' });
    expect(fake.media.get(id)?.alt).toBe('A blue stoneware mug');
  });

  it('refuses a text over 512 characters before any call', async () => {
    const product = fake.addProduct({ title: 'Vase', images: [{ bytes: JPEG }] });
    const calls = fake.calls.graphql;
    expect(await shopify.writeAlt(tokenAccess(), product.media[0], 'x'.repeat(513))).toMatchObject({ ok: false, code: 'text_too_long' });
    expect(fake.calls.graphql).toBe(calls);
  });

  it('refuses what is not a MediaImage id before any call', async () => {
    const calls = fake.calls.graphql;
    expect(await shopify.writeAlt(tokenAccess(), 'gid://shopify/Product/1', 'x')).toMatchObject({ ok: false, code: 'not_found' });
    expect(await shopify.readAlt(tokenAccess(), '42')).toMatchObject({ ok: false, code: 'not_found' });
    expect(fake.calls.graphql).toBe(calls);
  });

  it('reads many images’ texts a hundred a call, each answering on its own, at a point an image', async () => {
    const product = fake.addProduct({ title: 'Plates', images: Array.from({ length: 130 }, (_, index) => ({ bytes: JPEG, alt: `Plate ${index}` })) });
    const ids = [...product.media, 'gid://shopify/MediaImage/999998', 'gid://shopify/Product/1'];
    const calls = fake.calls.graphql;
    const spent = fake.calls.spent;
    const read = await shopify.readAlts!(tokenAccess(), ids);
    if (!read.ok) throw new Error(read.message);
    expect(fake.calls.graphql - calls).toBe(2);
    expect(read.alts.get(product.media[0])).toEqual({ ok: true, altText: 'Plate 0' });
    expect(read.alts.get(product.media[129])).toEqual({ ok: true, altText: 'Plate 129' });
    expect(read.alts.get('gid://shopify/MediaImage/999998')).toMatchObject({ ok: false, code: 'not_found' });
    expect(read.alts.get('gid://shopify/Product/1')).toMatchObject({ ok: false, code: 'not_found' });
    expect(read.alts.size).toBe(ids.length);
    expect(fake.calls.spent - spent).toBe(131);
  });

  it('answers not_found for an image deleted from the shop', async () => {
    expect(await shopify.readAlt(tokenAccess(), 'gid://shopify/MediaImage/999999')).toMatchObject({ ok: false, code: 'not_found' });
    expect(await shopify.writeAlt(tokenAccess(), 'gid://shopify/MediaImage/999999', 'x')).toMatchObject({ ok: false, code: 'not_found' });
  });

  it('leaves an image that is not READY for later (a retryable error), and writes it once it is', async () => {
    const product = fake.addProduct({ title: 'Lamp', images: [{ bytes: JPEG, status: 'PROCESSING' }] });
    const id = product.media[0];
    const early = await shopify.writeAlt(tokenAccess(), id, 'A brass desk lamp');
    expect(early).toMatchObject({ ok: false, code: 'remote_error', message: expect.stringContaining('not READY') });
    fake.setStatus(id, 'READY');
    expect(await shopify.writeAlt(tokenAccess(), id, 'A brass desk lamp')).toEqual({ ok: true, altText: 'A brass desk lamp' });
  });

  it('writes several files per fileUpdate call', async () => {
    const product = fake.addProduct({ title: 'Plates', images: Array.from({ length: FILES_PER_CALL + 5 }, () => ({ bytes: JPEG })) });
    const before = fake.calls.fileUpdates;
    const written = await shopify.writeAlts!(tokenAccess(), product.media.map((remoteId, n) => ({ remoteId, altText: `Plate ${n}` })));
    expect(written.ok).toBe(true);
    expect(fake.calls.fileUpdates - before).toBe(2);
    if (written.ok) expect([...written.outcomes.values()].every((outcome) => outcome.ok)).toBe(true);
    expect(product.media.map((id) => fake.media.get(id)?.alt)).toEqual(product.media.map((_, n) => `Plate ${n}`));
  });
});

describe('tokens from the client-credentials grant', () => {
  it('renews the token before it expires, without a refused call', async () => {
    const shop = await startShopifyFake({ restoreRate: 10_000 });
    followClock(shop);
    try {
      const product = shop.addProduct({ title: 'Rug', images: [{ bytes: JPEG }] });
      expect(await shopify.readAlt(clientAccess(shop), product.media[0])).toMatchObject({ ok: true });
      shop.advance(24 * 60 * 60 * 1000 - 5 * 60 * 1000);
      expect(await shopify.writeAlt(clientAccess(shop), product.media[0], 'A wool rug')).toMatchObject({ ok: true });
      expect(shop.calls.tokenGrants).toBe(2);
      expect(shop.calls.unauthorized).toBe(0);
    } finally {
      await shop.stop();
    }
  });

  it('renews once on a 401 (the shop’s clock ran ahead) and the call goes through', async () => {
    const shop = await startShopifyFake({ restoreRate: 10_000 });
    // The connector's own clock stays behind: only the shop sees the token expire.
    useShopifyClock(systemClock);
    try {
      const product = shop.addProduct({ title: 'Chair', images: [{ bytes: JPEG }] });
      expect(await shopify.readAlt(clientAccess(shop), product.media[0])).toMatchObject({ ok: true });
      shop.advance(25 * 60 * 60 * 1000);
      expect(await shopify.writeAlt(clientAccess(shop), product.media[0], 'An oak chair')).toEqual({ ok: true, altText: 'An oak chair' });
      expect(shop.calls.unauthorized).toBe(1);
      expect(shop.calls.tokenGrants).toBe(2);
    } finally {
      await shop.stop();
    }
  });
});

describe('the query cost', () => {
  it('waits for the points a call needs: after one THROTTLED, never another, and no write is lost', async () => {
    const shop = await startShopifyFake({ maximumAvailable: 20, restoreRate: 100 });
    followClock(shop);
    try {
      const product = shop.addProduct({ title: 'Bowls', images: Array.from({ length: 12 }, () => ({ bytes: JPEG })) });
      // Another app spent the bucket: Loupe, knowing nothing of it yet, is throttled once and learns.
      shop.drain();
      const results = await Promise.all(product.media.map((id, n) => shopify.writeAlt(tokenAccess(shop), id, `Bowl ${n}`)));
      expect(results.every((result) => result.ok)).toBe(true);
      expect(product.media.map((id) => shop.media.get(id)?.alt)).toEqual(product.media.map((_, n) => `Bowl ${n}`));
      expect(shop.calls.throttledTwice).toBe(0);
      expect(shop.calls.throttled).toBeLessThanOrEqual(1);
      expect(shopifyPaceStats(shop.url)).toMatchObject({ throttledTwice: 0 });
    } finally {
      await shop.stop();
    }
  });

  it('books a read of many images at a point an image: a short read never makes the next full one look cheap', async () => {
    const shop = await startShopifyFake({ maximumAvailable: 150, restoreRate: 100 });
    followClock(shop);
    try {
      const product = shop.addProduct({ title: 'Glasses', images: Array.from({ length: 130 }, () => ({ bytes: JPEG })) });
      // 100 then 30 ids, twice: the second 100 must wait for its 100 points, not the 30 the short read cost.
      for (let round = 0; round < 2; round += 1) expect(await shopify.readAlts!(tokenAccess(shop), product.media)).toMatchObject({ ok: true });
      expect(shop.calls.throttled).toBe(0);
    } finally {
      await shop.stop();
    }
  });

  it('gives up as rate_limited, to be retried later, when throttled right after waiting', async () => {
    const shop = await startShopifyFake({ maximumAvailable: 20, restoreRate: 1000 });
    followClock(shop);
    try {
      const product = shop.addProduct({ title: 'Cups', images: [{ bytes: JPEG }] });
      // Another app takes every point again as soon as they come back.
      shop.beforeCost = () => shop.drain();
      const answer = await shopify.writeAlt(tokenAccess(shop), product.media[0], 'A cup');
      expect(answer).toMatchObject({ ok: false, code: 'rate_limited' });
      expect(!answer.ok && answer.retryAfterMs).toBeGreaterThan(0);
      expect(shop.calls.throttled).toBe(2);
    } finally {
      await shop.stop();
    }
  });
});

describe('bulk writes', () => {
  it('stages a JSONL file, runs fileUpdate over it and reads each line’s result once COMPLETED', async () => {
    const product = fake.addProduct({ title: 'Napkins', images: Array.from({ length: 40 }, () => ({ bytes: JPEG })) });
    const items = product.media.map((remoteId, n) => ({ remoteId, altText: n === 3 ? 'y'.repeat(600) : `Napkin ${n}` }));
    const uploads = fake.calls.uploads;
    const started = await shopify.startBulkWrite!(tokenAccess(), items);
    expect(started.ok).toBe(true);
    if (!started.ok) return;
    expect(fake.calls.uploads).toBe(uploads + 1);
    expect([...started.refused.entries()]).toEqual([[product.media[3], expect.objectContaining({ code: 'text_too_long' })]]);
    const states: string[] = [];
    for (;;) {
      const status = await shopify.bulkWriteStatus!(tokenAccess(), started.operationId, items);
      if (!status.ok) throw new Error(status.message);
      states.push(status.status);
      if (status.status === 'done') {
        expect(status.outcomes.size).toBe(39);
        expect([...status.outcomes.values()].every((outcome) => outcome.ok)).toBe(true);
        break;
      }
    }
    expect(states).toEqual(['running', 'done']);
    expect(fake.media.get(product.media[0])?.alt).toBe('Napkin 0');
    expect(fake.media.get(product.media[3])?.alt).toBe('');
  });

  it('answers a file refused inside the bulk run as that file’s own failure', async () => {
    const product = fake.addProduct({ title: 'Aprons', images: [{ bytes: JPEG }, { bytes: JPEG, status: 'UPLOADED' }] });
    const items = product.media.map((remoteId) => ({ remoteId, altText: 'An apron' }));
    const started = await shopify.startBulkWrite!(tokenAccess(), items);
    if (!started.ok) throw new Error(started.message);
    let status = await shopify.bulkWriteStatus!(tokenAccess(), started.operationId, items);
    while (status.ok && status.status === 'running') status = await shopify.bulkWriteStatus!(tokenAccess(), started.operationId, items);
    expect(status.ok && status.status === 'done' && [...status.outcomes.entries()]).toEqual([
      [product.media[0], { ok: true, altText: 'An apron' }],
      [product.media[1], expect.objectContaining({ ok: false, code: 'remote_error' })],
    ]);
  });
});

describe('translations', () => {
  it('registers the alt text in a locale against the digest of the shop’s own text', async () => {
    const product = fake.addProduct({ title: 'Scarf', images: [{ bytes: JPEG, alt: 'A red wool scarf' }] });
    const id = product.media[0];
    expect(await shopify.writeAltTranslation!(tokenAccess(), id, 'fr', 'Une écharpe en laine rouge')).toEqual({ ok: true, altText: 'Une écharpe en laine rouge' });
    expect(fake.media.get(id)?.translations.get('fr')).toBe('Une écharpe en laine rouge');
  });

  it('refuses a locale the shop does not sell in', async () => {
    const product = fake.addProduct({ title: 'Hat', images: [{ bytes: JPEG, alt: 'A straw hat' }] });
    expect(await shopify.writeAltTranslation!(tokenAccess(), product.media[0], 'ja', '麦わら帽子')).toMatchObject({ ok: false, code: 'not_found', message: expect.stringContaining('does not sell in ja') });
  });

  it('refuses what is not a locale code before any call', async () => {
    const calls = fake.calls.graphql;
    expect(await shopify.writeAltTranslation!(tokenAccess(), 'gid://shopify/MediaImage/1', 'fr; drop', 'x')).toMatchObject({ ok: false, code: 'not_found' });
    expect(fake.calls.graphql).toBe(calls);
  });

  it('reports an image with no alt text of its own to translate', async () => {
    const product = fake.addProduct({ title: 'Belt', images: [{ bytes: JPEG }] });
    expect(await shopify.writeAltTranslation!(tokenAccess(), product.media[0], 'fr', 'Une ceinture')).toMatchObject({ ok: false, code: 'not_found', message: expect.stringContaining('nothing for Shopify') });
  });

  it('is refused, to be tried again, when the text changed in the shop after its digest was read', async () => {
    const product = fake.addProduct({ title: 'Glove', images: [{ bytes: JPEG, alt: 'A leather glove' }] });
    fake.afterTranslatableRead = (id) => fake.editAlt(id, 'A brown leather glove');
    try {
      expect(await shopify.writeAltTranslation!(tokenAccess(), product.media[0], 'de', 'Ein Lederhandschuh')).toMatchObject({ ok: false, code: 'remote_error', message: expect.stringContaining('changed in the shop') });
      expect(fake.media.get(product.media[0])?.translations.has('de')).toBe(false);
    } finally {
      fake.afterTranslatableRead = undefined;
    }
  });
});
