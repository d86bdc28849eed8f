import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRODUCT_PHOTOS_DIR, startWordPress, wordpressAvailable, type WordPressSite } from '@/test/wordpress';
import { seedProduct, setWooCommerce } from '@/test/woocommerce-fake';
import { connectorFor, type ImagePage, type RemoteImage, type StoreAccess } from './index';

/**
 * The WordPress connector against a real WordPress (test/wordpress.ts: Debian's package, php -S, MariaDB), with
 * WooCommerce's product API from test/woocommerce-fake.ts. One site for the file, seeded once; tests that change
 * the site (permalinks, WooCommerce, revoked passwords) put it back or use their own user.
 */

const wordpress = connectorFor('wordpress');
const OLD = '2024-03-01T10:00:00Z';

let site: WordPressSite;
let access: StoreAccess;
let shoeFront: number;
let shoeBack: number;
let scarf: number;
let loose: number;
let postId: number;

/** Every page of a listing, following `next`. */
async function listAll(store: StoreAccess, since: string | null): Promise<{ images: RemoteImage[]; pages: ImagePage[] }> {
  const pages: ImagePage[] = [];
  let cursor: string | null = null;
  do {
    const page = await wordpress.listChangedImages(store, { since, cursor });
    if (!page.ok) throw new Error(`${page.code}: ${page.message}`);
    pages.push(page);
    cursor = page.next;
  } while (cursor !== null && pages.length < 100);
  return { images: pages.flatMap((page) => page.images), pages };
}

function byId(images: RemoteImage[], id: number): RemoteImage | undefined {
  return images.find((image) => image.remoteId === String(id));
}

/** A server that is not WordPress, or a WordPress that misbehaves: answers every request with `handler`. */
async function serve(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe.skipIf(!wordpressAvailable())('WordPress connector, against a real WordPress', () => {
  beforeAll(async () => {
    site = await startWordPress();
    // Pacing is the outbound client's, tested there on an injected clock; here it would only make the file slow.
    access = { url: site.url, username: site.username, secret: site.applicationPassword, settings: {}, allowPrivate: true, pace: { requestsPerSecond: 200 } };
    postId = await site.createPost('Trail runner', ['Shoes', 'Sale']);
    [shoeFront, shoeBack, scarf, loose] = await site.seedMedia([
      { file: '10053.jpg', alt: 'Brown leather trail shoe, side view', parent: postId, modifiedGmt: OLD },
      { file: '10439.jpg', alt: '', parent: postId, modifiedGmt: OLD },
      { file: '10633.jpg', alt: 'Red wool scarf', modifiedGmt: OLD },
      { file: '10656.jpg', alt: 'Blue cap', modifiedGmt: OLD },
    ]);
  });

  afterAll(async () => {
    await site?.stop();
  });

  describe('verify', () => {
    it('names the account of an editor', async () => {
      expect(await wordpress.verify(access)).toEqual({ ok: true, account: 'shop-editor' });
    });

    it('refuses a wrong application password as unauthorized (401)', async () => {
      const answer = await wordpress.verify({ ...access, secret: 'abcd efgh ijkl mnop qrst uvwx' });
      expect(answer).toMatchObject({ ok: false, code: 'unauthorized', message: expect.stringContaining('replace them in the connection') });
    });

    it('refuses a subscriber, who may not edit media, as forbidden', async () => {
      const subscriber = await site.createUser('window-shopper', 'subscriber');
      const answer = await wordpress.verify({ ...access, username: subscriber.username, secret: subscriber.applicationPassword });
      expect(answer).toMatchObject({ ok: false, code: 'forbidden', message: expect.stringContaining('upload_files') });
    });

    it('refuses an author, who may not edit images others uploaded, as forbidden', async () => {
      const author = await site.createUser('guest-author', 'author');
      const answer = await wordpress.verify({ ...access, username: author.username, secret: author.applicationPassword });
      expect(answer).toMatchObject({ ok: false, code: 'forbidden', message: expect.stringContaining('edit_others_posts') });
    });

    it('refuses a site that answers HTML as not_platform', async () => {
      const html = await serve((_request, response) => {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end('<!doctype html><title>My shop</title><p>Welcome');
      });
      try {
        expect(await wordpress.verify({ ...access, url: html.url })).toMatchObject({ ok: false, code: 'not_platform' });
      } finally {
        await html.close();
      }
    });

    it('refuses as unauthorized a site whose whole REST API wants a login the credentials do not give', async () => {
      const guarded = await serve((_request, response) => {
        response.writeHead(401, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ code: 'rest_login_required', message: 'REST API restricted to authenticated users.', data: { status: 401 } }));
      });
      try {
        expect(await wordpress.verify({ ...access, url: guarded.url })).toMatchObject({ ok: false, code: 'unauthorized', message: expect.stringContaining('rest_login_required') });
      } finally {
        await guarded.close();
      }
    });

        it('refuses an address where nothing listens as unreachable', async () => {
      const gone = await serve(() => undefined);
      await gone.close();
      expect(await wordpress.verify({ ...access, url: gone.url })).toMatchObject({ ok: false, code: 'unreachable', message: expect.stringContaining('refused the connection') });
    });

    it('refuses a private address unless private stores are allowed', async () => {
      const answer = await wordpress.verify({ ...access, allowPrivate: false });
      expect(answer).toMatchObject({ ok: false, code: 'private_address', message: expect.stringContaining('a loopback address') });
    });

    it('works with pretty permalinks off, through /?rest_route=', async () => {
      await site.setPrettyPermalinks(false);
      try {
        expect((await fetch(`${site.url}/wp-json/`)).headers.get('content-type')).toContain('text/html');
        expect(await wordpress.verify(access)).toEqual({ ok: true, account: 'shop-editor' });
        const { images } = await listAll(access, null);
        expect(byId(images, scarf)).toMatchObject({ altText: 'Red wool scarf' });
      } finally {
        await site.setPrettyPermalinks(true);
      }
    });
  });

  describe('listing', () => {
    it('lists every image with its alt text, file, type, time and parent post as its product', async () => {
      const { images } = await listAll(access, null);
      expect(images.map((image) => image.remoteId)).toEqual(expect.arrayContaining([shoeFront, shoeBack, scarf, loose].map(String)));
      const product = { remoteId: String(postId), title: 'Trail runner', sku: null, handle: 'trail-runner', collection: 'Sale, Shoes' };
      expect(byId(images, shoeFront)).toEqual({
        remoteId: String(shoeFront),
        url: `${site.url}/wp-content/uploads/10053.jpg`,
        altText: 'Brown leather trail shoe, side view',
        filename: '10053.jpg',
        mimeType: 'image/jpeg',
        modifiedAt: '2024-03-01T10:00:00.000Z',
        product,
        position: null,
      });
      expect(byId(images, shoeBack)).toMatchObject({ altText: '', product });
      expect(byId(images, scarf)).toMatchObject({ product: null, position: null });
    });

    it('takes only images changed after `since`', async () => {
      await site.editAlt(scarf, 'Red wool scarf, folded');
      const { images } = await listAll(access, '2025-01-01T00:00:00Z');
      expect(images.map((image) => image.remoteId)).toEqual([String(scarf)]);
      expect(images[0].altText).toBe('Red wool scarf, folded');
      expect(Date.parse(images[0].modifiedAt)).toBeGreaterThan(Date.parse('2025-01-01T00:00:00Z'));
    });

    it('asks for changes in UTC whatever the site’s time zone', async () => {
      await site.setTimezone('Europe/Berlin');
      try {
        await site.editAlt(loose, 'Blue cap, edited in Berlin');
        const edited = byId((await listAll(access, '2025-01-01T00:00:00Z')).images, loose);
        expect(edited).toMatchObject({ altText: 'Blue cap, edited in Berlin' });
        const editedAt = Date.parse(edited!.modifiedAt);
        expect(Math.abs(editedAt - Date.now())).toBeLessThan(10 * 60 * 1000);
        const before = new Date(editedAt - 30 * 60 * 1000).toISOString();
        const after = new Date(editedAt + 30 * 60 * 1000).toISOString();
        expect(byId((await listAll(access, before)).images, loose)).toBeDefined();
        expect(byId((await listAll(access, after)).images, loose)).toBeUndefined();
      } finally {
        await site.setTimezone('UTC');
      }
    });

        it('pages through more than a page, each image once, and says where the store’s clock stood', async () => {
      // Left in place (dated 2023, so `since` tests do not see them): the tests after this one look images up by id.
      const bulk = await site.seedBulkMedia(130, { modifiedGmt: '2023-01-01T00:00:00Z' });
      const { images, pages } = await listAll(access, null);
      expect(pages.length).toBe(2);
      const ids = images.map((image) => image.remoteId);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual(expect.arrayContaining([...bulk, shoeFront, scarf].map(String)));
      expect(Math.abs(Date.parse(pages[0].storeTime!) - Date.now())).toBeLessThan(10 * 60 * 1000);
    });

    it('misses no image when images are deleted between two pages', async () => {
      const first = await wordpress.listChangedImages(access, { since: null, cursor: null });
      if (!first.ok) throw new Error(first.message);
      expect(first.next).not.toBeNull();
      const deleted = first.images.slice(10, 13).map((image) => image.remoteId);
      for (const id of deleted) await site.deleteMedia(Number(id));
      const second = await wordpress.listChangedImages(access, { since: null, cursor: first.next });
      if (!second.ok) throw new Error(second.message);
      const seen = new Set([...first.images, ...second.images].map((image) => image.remoteId));
      const everything = (await listAll(access, null)).images.map((image) => image.remoteId);
      expect(everything.filter((id) => !seen.has(id))).toEqual([]);
      expect(second.images.map((image) => image.remoteId).filter((id) => first.images.some((image) => image.remoteId === id))).toEqual([]);
    });

    it('attaches WooCommerce products (title, SKU, categories, position) when the site has WooCommerce', async () => {
      setWooCommerce(site, true);
      try {
        const product = await seedProduct(site, { name: 'Trail Runner GTX', sku: 'TR-42', slug: 'trail-runner-gtx', categories: ['Footwear', 'Outdoor'], imageIds: [shoeBack, shoeFront] });
        const { images } = await listAll(access, null);
        const expected = { remoteId: String(product), title: 'Trail Runner GTX', sku: 'TR-42', handle: 'trail-runner-gtx', collection: 'Footwear, Outdoor' };
        expect(byId(images, shoeBack)).toMatchObject({ product: expected, position: 0 });
        expect(byId(images, shoeFront)).toMatchObject({ product: expected, position: 1 });
        // Not in any product and no parent post: no product.
        expect(byId(images, loose)).toMatchObject({ product: null, position: null });
      } finally {
        setWooCommerce(site, false);
      }
    });

    it('answers a store that fails, redirects or asks to slow down with their codes', async () => {
      let answer: { status: number; headers: Record<string, string> } = { status: 500, headers: {} };
      const odd = await serve((request, response) => {
        if (request.url?.startsWith('/wp-json/?')) {
          response.writeHead(200, { 'content-type': 'application/json' });
          return void response.end(JSON.stringify({ name: 'Odd', namespaces: ['wp/v2'] }));
        }
        response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        response.end('{"code":"oops"}');
      });
      try {
        const store = { ...access, url: odd.url };
        expect(await wordpress.readAlt(store, '5')).toMatchObject({ ok: false, code: 'remote_error', message: expect.stringContaining('500') });
        answer = { status: 301, headers: { location: 'https://shop.example/wp-json/wp/v2/media/5' } };
        expect(await wordpress.readAlt(store, '5')).toMatchObject({ ok: false, code: 'not_platform', message: expect.stringContaining('https://shop.example/') });
        answer = { status: 429, headers: { 'retry-after': '0' } };
        expect(await wordpress.readAlt(store, '5')).toMatchObject({ ok: false, code: 'rate_limited', retryAfterMs: 0 });
      } finally {
        await odd.close();
      }
    });

        it('stops a store that answers the same page forever', async () => {
      const item = { id: 7, source_url: 'http://127.0.0.1:9/a.jpg', alt_text: '', mime_type: 'image/jpeg', media_details: {}, modified_gmt: '2024-01-01T00:00:00', post: null };
      let calls = 0;
      const looping = await serve((request, response) => {
        calls += 1;
        const json = request.url?.startsWith('/wp-json/?') ? { name: 'Loop', namespaces: ['wp/v2'] } : Array.from({ length: 100 }, () => item);
        response.writeHead(200, { 'content-type': 'application/json', 'x-wp-total': '1000000', 'x-wp-totalpages': '10000' });
        response.end(JSON.stringify(json));
      });
      try {
        const store = { ...access, url: looping.url };
        const first = await wordpress.listChangedImages(store, { since: null, cursor: null });
        expect(first.ok && first.next).toBeTruthy();
        const second = await wordpress.listChangedImages(store, { since: null, cursor: first.ok ? first.next : null });
        expect(second).toMatchObject({ ok: false, code: 'remote_error', message: expect.stringContaining('page forever') });
        expect(calls).toBeLessThan(10);
      } finally {
        await looping.close();
      }
    });
  });

  describe('fetchImage', () => {
    it('streams the original, byte for byte', async () => {
      const fetched = await wordpress.fetchImage(access, { remoteId: String(shoeFront), url: `${site.url}/wp-content/uploads/10053.jpg` }, { maxBytes: 10 * 1024 * 1024 });
      expect(fetched.ok).toBe(true);
      if (!fetched.ok) return;
      expect(fetched.contentType).toBe('image/jpeg');
      expect((await buffer(fetched.body)).equals(fs.readFileSync(path.join(PRODUCT_PHOTOS_DIR, '10053.jpg')))).toBe(true);
    });

    it('refuses a file over the size cap', async () => {
      const fetched = await wordpress.fetchImage(access, { remoteId: String(shoeFront), url: `${site.url}/wp-content/uploads/10053.jpg` }, { maxBytes: 1000 });
      expect(fetched).toMatchObject({ ok: false, code: 'rejected_file' });
    });

    it('refuses a file that is not an image, and one that is gone', async () => {
      fs.writeFileSync(path.join(site.root, 'wp-content', 'uploads', 'notes.txt'), 'not a photo');
      const notImage = await wordpress.fetchImage(access, { remoteId: '1', url: `${site.url}/wp-content/uploads/notes.txt` }, { maxBytes: 1_000_000 });
      expect(notImage).toMatchObject({ ok: false, code: 'rejected_file', message: expect.stringContaining('text/plain') });
      const gone = await wordpress.fetchImage(access, { remoteId: '1', url: `${site.url}/wp-content/uploads/gone.jpg` }, { maxBytes: 1_000_000 });
      expect(gone).toMatchObject({ ok: false, code: 'not_found' });
    });
  });

  describe('alt text', () => {
    it('writes, and reads back what WordPress holds', async () => {
      expect(await wordpress.writeAlt(access, String(loose), 'Navy baseball cap, front')).toEqual({ ok: true, altText: 'Navy baseball cap, front' });
      expect(await wordpress.readAlt(access, String(loose))).toEqual({ ok: true, altText: 'Navy baseball cap, front' });
      expect(await site.readAlt(loose)).toBe('Navy baseball cap, front');
      expect(await wordpress.writeAlt(access, String(loose), '')).toEqual({ ok: true, altText: '' });
      expect(await site.readAlt(loose)).toBe('');
    });

    it('answers the text as WordPress stored it: tags stripped, whitespace folded', async () => {
      const answer = await wordpress.writeAlt(access, String(loose), '<b>Navy</b> cap\nwith <script>alert(1)</script>a & b');
      expect(answer).toEqual({ ok: true, altText: 'Navy cap with a & b' });
      expect(await wordpress.readAlt(access, String(loose))).toEqual(answer);
    });

    it('refuses text over the limit before calling, and names a missing image', async () => {
      expect(await wordpress.writeAlt(access, String(loose), 'x'.repeat(wordpress.limits.maxAltLength + 1))).toMatchObject({ ok: false, code: 'text_too_long' });
      expect(await wordpress.readAlt(access, '999999')).toMatchObject({ ok: false, code: 'not_found' });
      expect(await wordpress.writeAlt(access, '999999', 'x')).toMatchObject({ ok: false, code: 'not_found' });
      expect(await wordpress.readAlt(access, '../users/1')).toMatchObject({ ok: false, code: 'not_found' });
    });
  });

  it('answers unauthorized once the password is revoked mid-run', async () => {
    const other = await site.createUser('night-editor', 'editor');
    const store = { ...access, username: other.username, secret: other.applicationPassword };
    const before = await wordpress.readAlt(store, String(scarf));
    expect(before).toMatchObject({ ok: true });
    await site.revokePasswords(other.userId);
    expect(await wordpress.listChangedImages(store, { since: null, cursor: null })).toMatchObject({ ok: false, code: 'unauthorized' });
    expect(await wordpress.writeAlt(store, String(scarf), 'Changed')).toMatchObject({ ok: false, code: 'unauthorized' });
    expect(await site.readAlt(scarf)).toBe(before.ok && before.altText);
  });
});
