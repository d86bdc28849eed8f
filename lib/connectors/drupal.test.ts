import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDrupalFake, type Bundle, type DrupalFake, type FakeEntity, type FakeFile } from '@/test/drupal-fake';
import { testJpeg } from '@/test/ingest';
import { connectorFor, type ImagePage, type RemoteImage, type StoreAccess } from './index';

/**
 * The Drupal connector against test/drupal-fake.ts (JSON:API on 127.0.0.1): verify, listing with includes and
 * pages, downloads, alt text read and written through `meta.alt` (read back), translations through the language
 * prefix, and each error document mapped to its code. One fake for the file; tests that change it put it back.
 */

const drupal = connectorFor('drupal');
const ARTICLE: Bundle = { entityType: 'node', bundle: 'article', field: 'field_image' };
const MEDIA: Bundle = { entityType: 'media', bundle: 'image', field: 'field_media_image' };
const OLD = Math.floor(Date.parse('2024-03-01T10:00:00Z') / 1000);

let fake: DrupalFake;
let basic: StoreAccess;
let bearer: StoreAccess;
let media: StoreAccess;
let shirt: FakeEntity;
let scarf: FakeEntity;
let front: FakeFile;
let back: FakeFile;
let scarfFile: FakeFile;
let mediaItem: FakeEntity;

function accessFor(bundle: Bundle, auth: 'basic' | 'bearer' = 'basic'): StoreAccess {
  return {
    url: fake.url,
    username: auth === 'basic' ? fake.username : '',
    secret: auth === 'basic' ? fake.password : fake.token,
    allowPrivate: true,
    settings: { entityType: bundle.entityType, bundle: bundle.bundle, field: bundle.field },
    pace: { requestsPerSecond: 500, concurrency: 8 },
  };
}

async function listAll(store: StoreAccess, since: string | null, between?: (page: ImagePage) => void): Promise<{ images: RemoteImage[]; pages: ImagePage[] }> {
  const pages: ImagePage[] = [];
  let cursor: string | null = null;
  do {
    const page = await drupal.listChangedImages(store, { since, cursor });
    if (!page.ok) throw new Error(`${page.code}: ${page.message}`);
    pages.push(page);
    between?.(page);
    cursor = page.next;
  } while (cursor !== null && pages.length < 100);
  return { images: pages.flatMap((page) => page.images), pages };
}

const id = (entity: FakeEntity, file: FakeFile) => `${entity.uuid}:${file.uuid}`;

async function serve(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('Drupal connector, against a JSON:API fake', () => {
  beforeAll(async () => {
    fake = await startDrupalFake();
    basic = accessFor(ARTICLE);
    bearer = accessFor(ARTICLE, 'bearer');
    media = accessFor(MEDIA);
    [front, back, scarfFile] = await Promise.all([1, 2, 3].map(async (seed) => fake.addFile(`photo-${seed}.jpg`, await testJpeg(seed, 48, 32))));
    shirt = fake.addEntity(ARTICLE, { title: 'Linen shirt', changed: OLD, images: [{ fileUuid: front.uuid, alt: 'Linen shirt, front', title: 'Front', width: 800, height: 600 }, { fileUuid: back.uuid }] });
    scarf = fake.addEntity(ARTICLE, { title: 'Wool scarf', changed: OLD, images: [{ fileUuid: scarfFile.uuid, alt: 'Red wool scarf' }] });
    mediaItem = fake.addEntity(MEDIA, { title: 'Straw hat photo', changed: OLD, images: [{ fileUuid: scarfFile.uuid, alt: 'Straw hat' }] });
    fake.addTranslation(shirt.uuid, 'fr', { title: 'Chemise en lin', alts: ['Chemise en lin, devant', ''] });
  });

  afterAll(async () => {
    await fake?.close();
  });

  beforeEach(() => {
    fake.dropsAlt = false;
    fake.readOnlyUser = false;
  });

  describe('verify', () => {
    it('names the account signed in with a user name and password (basic_auth)', async () => {
      expect(await drupal.verify(basic)).toEqual({ ok: true, account: 'Catalogue editor' });
      expect(fake.requests.at(-1)?.authorization).toMatch(/^Basic /);
    });

    it('names the account signed in with a bearer token (simple_oauth)', async () => {
      expect(await drupal.verify(bearer)).toEqual({ ok: true, account: 'Catalogue editor' });
      expect(fake.requests.at(-1)?.authorization).toBe(`Bearer ${fake.token}`);
    });

    it('checks a media bundle and its field_media_image', async () => {
      expect(await drupal.verify(media)).toEqual({ ok: true, account: 'Catalogue editor' });
    });

    it('refuses a wrong password, which Drupal answers as to an anonymous visitor, as unauthorized', async () => {
      expect(await drupal.verify({ ...basic, secret: 'wrong' })).toMatchObject({ ok: false, code: 'unauthorized', message: expect.stringContaining('anonymous visitor') });
    });

    it('refuses a wrong token (401) as unauthorized', async () => {
      expect(await drupal.verify({ ...bearer, secret: 'expired-token' })).toMatchObject({ ok: false, code: 'unauthorized', message: expect.stringContaining('denied the request') });
    });

    it('refuses a bundle JSON:API does not have, naming it', async () => {
      const answer = await drupal.verify({ ...basic, settings: { ...basic.settings, bundle: 'product' } });
      expect(answer).toMatchObject({ ok: false, code: 'not_found', message: expect.stringContaining('node--product') });
    });

    it('refuses a field the bundle does not have, naming it', async () => {
      const answer = await drupal.verify({ ...basic, settings: { ...basic.settings, field: 'field_photo' } });
      expect(answer).toMatchObject({ ok: false, code: 'not_found', message: expect.stringContaining('field_photo') });
    });

    it('refuses settings that are not machine names before any call', async () => {
      const before = fake.requests.length;
      const answer = await drupal.verify({ ...basic, settings: { ...basic.settings, field: '../field' } });
      expect(answer).toMatchObject({ ok: false, code: 'remote_error' });
      expect(fake.requests.length).toBe(before);
    });

    it('refuses a site without JSON:API (an HTML page) as not_platform', async () => {
      const html = await serve((_request, response) => {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end('<!doctype html><title>Shop</title>');
      });
      try {
        expect(await drupal.verify({ ...basic, url: html.url })).toMatchObject({ ok: false, code: 'not_platform', message: expect.stringContaining('JSON:API') });
      } finally {
        await html.close();
      }
    });

    it('refuses a private address unless private stores are allowed', async () => {
      expect(await drupal.verify({ ...basic, allowPrivate: false })).toMatchObject({ ok: false, code: 'private_address' });
    });
  });

  describe('listing', () => {
    it('lists each image of each entity with its alt text, file, time and the entity as its product', async () => {
      const { images } = await listAll(basic, null);
      const product = { remoteId: shirt.uuid, title: 'Linen shirt', sku: null, handle: null, collection: null };
      expect(images.find((image) => image.remoteId === id(shirt, front))).toEqual({
        remoteId: id(shirt, front),
        url: `${fake.url}/sites/default/files/photo-1.jpg`,
        altText: 'Linen shirt, front',
        filename: 'photo-1.jpg',
        mimeType: 'image/jpeg',
        modifiedAt: '2024-03-01T10:00:00.000Z',
        product,
        position: 0,
      });
      expect(images.find((image) => image.remoteId === id(shirt, back))).toMatchObject({ altText: '', position: 1, product });
      expect(images.find((image) => image.remoteId === id(scarf, scarfFile))).toMatchObject({ altText: 'Red wool scarf', product: { title: 'Wool scarf' } });
    });

    it('names a media item’s product by its name', async () => {
      const { images } = await listAll(media, null);
      expect(images).toEqual([expect.objectContaining({ remoteId: id(mediaItem, scarfFile), altText: 'Straw hat', product: expect.objectContaining({ title: 'Straw hat photo' }) })]);
    });

    it('asks for entities changed since `since`, by Unix timestamp, sorted by changed', async () => {
      fake.now = OLD + 100;
      fake.editAlt(scarf.uuid, scarfFile.uuid, 'Red wool scarf, folded');
      const { images } = await listAll(basic, new Date((OLD + 50) * 1000).toISOString());
      expect(images.map((image) => image.remoteId)).toEqual([id(scarf, scarfFile)]);
      expect(images[0]).toMatchObject({ altText: 'Red wool scarf, folded', modifiedAt: new Date((OLD + 100) * 1000).toISOString() });
      const listing = fake.requests.filter((entry) => entry.path.startsWith('/jsonapi/node/article?')).at(-1)!;
      const query = new URL(listing.path, fake.url).searchParams;
      expect([query.get('sort'), query.get('filter[since][condition][operator]'), query.get('filter[since][condition][value]'), query.get('include')]).toEqual(['changed,id', '>=', String(OLD + 50), 'field_image']);
    });

    it('pages through more than a page, each image once, and says where the store’s clock stood', async () => {
      fake.now = OLD + 1000;
      const bulk = Array.from({ length: 120 }, (_, n) => fake.addEntity(ARTICLE, { title: `Bulk ${n}`, changed: OLD + 500 + (n % 3), images: [{ fileUuid: front.uuid, alt: `Bulk ${n}` }] }));
      const { images, pages } = await listAll(basic, new Date((OLD + 500) * 1000).toISOString());
      expect(pages.length).toBe(3);
      const ids = images.map((image) => image.remoteId);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.sort()).toEqual(bulk.map((entity) => id(entity, front)).sort());
      expect(pages[0].storeTime).toBe(new Date((OLD + 1000) * 1000).toISOString());
      for (const entity of bulk) fake.entities.delete(entity.uuid);
    });

    it('misses no entity when entities already listed are edited or deleted between two pages', async () => {
      const bulk = Array.from({ length: 110 }, (_, n) => fake.addEntity(ARTICLE, { title: `Shift ${n}`, changed: OLD + 2000, images: [{ fileUuid: front.uuid }] }));
      let turned = false;
      const { images } = await listAll(basic, new Date((OLD + 2000) * 1000).toISOString(), (page) => {
        if (turned) return;
        turned = true;
        // Three of the first page's entities leave the front of the listing: two edited (to the end), one deleted.
        const taken = page.images.slice(0, 3).map((image) => image.product!.remoteId);
        fake.now = OLD + 3000;
        fake.editAlt(taken[0], front.uuid, 'edited');
        fake.editAlt(taken[1], front.uuid, 'edited');
        fake.entities.delete(taken[2]);
      });
      const seen = new Set(images.map((image) => image.product!.remoteId));
      const left = bulk.filter((entity) => fake.entities.has(entity.uuid));
      expect(left.every((entity) => seen.has(entity.uuid))).toBe(true);
      for (const entity of bulk) fake.entities.delete(entity.uuid);
    });

    it('refuses a cursor it did not make', async () => {
      expect(await drupal.listChangedImages(basic, { since: null, cursor: 'not-a-cursor' })).toMatchObject({ ok: false, code: 'remote_error' });
    });

    it('passes on a 429 with its Retry-After as rate_limited', async () => {
      fake.failNext({ status: 429, headers: { 'retry-after': '1' }, detail: 'Too many requests.' });
      expect(await drupal.listChangedImages(basic, { since: null, cursor: null })).toMatchObject({ ok: false, code: 'rate_limited', retryAfterMs: 1000 });
    });

    it('reports a 5xx error document as remote_error with its detail', async () => {
      fake.failNext({ status: 500, detail: 'SQLSTATE[HY000]: General error: 2006 MySQL server has gone away' });
      expect(await drupal.listChangedImages(basic, { since: null, cursor: null })).toMatchObject({ ok: false, code: 'remote_error', message: expect.stringContaining('MySQL server has gone away') });
    });

    it('reports a 403 error document as forbidden with its detail', async () => {
      fake.failNext({ status: 403, detail: "The current user is not allowed to GET the selected resource. The 'access content' permission is required." });
      expect(await drupal.listChangedImages(basic, { since: null, cursor: null })).toMatchObject({ ok: false, code: 'forbidden', message: expect.stringContaining("'access content' permission") });
    });

    it('reports an HTML 503 without Retry-After as remote_error', async () => {
      fake.failNext({ status: 503, raw: { contentType: 'text/html', body: '<h1>Maintenance</h1>' } });
      expect(await drupal.listChangedImages(basic, { since: null, cursor: null })).toMatchObject({ ok: false, code: 'remote_error', message: expect.stringContaining('503') });
    });
  });

  describe('downloads', () => {
    it('streams the original', async () => {
      const fetched = await drupal.fetchImage(basic, { remoteId: id(shirt, front), url: `${fake.url}/sites/default/files/photo-1.jpg` }, { maxBytes: 1_000_000 });
      if (!fetched.ok) throw new Error(fetched.message);
      expect((await buffer(fetched.body)).equals(front.bytes)).toBe(true);
      expect(fetched.contentType).toBe('image/jpeg');
    });

    it('reports a file gone from the site as not_found', async () => {
      expect(await drupal.fetchImage(basic, { remoteId: id(shirt, front), url: `${fake.url}/sites/default/files/gone.jpg` }, { maxBytes: 1_000_000 })).toMatchObject({ ok: false, code: 'not_found' });
    });
  });

  describe('alt text', () => {
    it('reads one image’s alt from its relationship meta', async () => {
      expect(await drupal.readAlt(basic, id(shirt, front))).toEqual({ ok: true, altText: expect.any(String) });
      expect(await drupal.readAlt(basic, id(shirt, back))).toEqual({ ok: true, altText: '' });
    });

    it('writes meta.alt with a JSON:API PATCH, keeping the other items and every other meta value', async () => {
      const written = await drupal.writeAlt(basic, id(shirt, back), 'Linen shirt, back');
      expect(written).toEqual({ ok: true, altText: 'Linen shirt, back' });
      const sent = fake.patches.at(-1)!.body as { data: { type: string; id: string; relationships: { field_image: { data: { id: string; meta: Record<string, unknown> }[] } } } };
      expect(sent.data).toMatchObject({ type: 'node--article', id: shirt.uuid });
      expect(sent.data.relationships.field_image.data).toEqual([
        { type: 'file--file', id: front.uuid, meta: { drupal_internal__target_id: front.fid, alt: expect.any(String), title: 'Front', width: 800, height: 600 } },
        { type: 'file--file', id: back.uuid, meta: { drupal_internal__target_id: back.fid, alt: 'Linen shirt, back', title: '', width: 48, height: 32 } },
      ]);
      expect(fake.altOf(shirt.uuid, back.uuid)).toBe('Linen shirt, back');
      expect(fake.altOf(shirt.uuid, back.uuid, 'fr')).toBe('');
    });

    it('reports an alt Drupal did not keep (a field without alt, as Drupal 11 applies meta) as remote_error', async () => {
      fake.dropsAlt = true;
      const answer = await drupal.writeAlt(basic, id(scarf, scarfFile), 'Red wool scarf on a hook');
      expect(answer).toMatchObject({ ok: false, code: 'remote_error', message: expect.stringContaining('did not keep the alt text') });
    });

    it('reports an account that may not edit (403) as forbidden, with Drupal’s detail', async () => {
      fake.readOnlyUser = true;
      expect(await drupal.writeAlt(basic, id(scarf, scarfFile), 'Scarf')).toMatchObject({ ok: false, code: 'forbidden', message: expect.stringContaining("'edit any article content' permission") });
    });

    it('reports a read-only JSON:API (405) as forbidden, saying where to change it', async () => {
      fake.failNext({ status: 405, detail: 'JSON:API is configured to accept only read operations.', match: (method) => method === 'PATCH' });
      expect(await drupal.writeAlt(basic, id(scarf, scarfFile), 'Scarf')).toMatchObject({ ok: false, code: 'forbidden', message: expect.stringContaining('/admin/config/services/jsonapi') });
    });

    it('reports a 422 with its source pointer', async () => {
      fake.failNext({ status: 422, document: { errors: [{ status: '422', title: 'Unprocessable Entity', detail: 'field_image.0.alt: This value should not be blank.', source: { pointer: '/data/relationships/field_image/data/0/meta/alt' } }] }, match: (method) => method === 'PATCH' });
      expect(await drupal.writeAlt(basic, id(scarf, scarfFile), '')).toMatchObject({ ok: false, code: 'rejected_file', message: expect.stringContaining('/data/relationships/field_image/data/0/meta/alt') });
    });

    it('writes a media item’s single image as one object, as Drupal answered it', async () => {
      expect(await drupal.writeAlt(media, id(mediaItem, scarfFile), 'Straw hat on a hook')).toEqual({ ok: true, altText: 'Straw hat on a hook' });
      const sent = fake.patches.at(-1)!.body as { data: { relationships: { field_media_image: { data: unknown } } } };
      expect(sent.data.relationships.field_media_image.data).toEqual({ type: 'file--file', id: scarfFile.uuid, meta: expect.objectContaining({ alt: 'Straw hat on a hook' }) });
    });

    it('skips a reference to a deleted file when listing, and refuses to write beside one', async () => {
      const gone = fake.addFile('gone.jpg', front.bytes);
      const broken = fake.addEntity(ARTICLE, { title: 'Broken gallery', changed: OLD + 5000, images: [{ fileUuid: gone.uuid }, { fileUuid: back.uuid, alt: 'Still here' }] });
      fake.files.delete(gone.uuid);
      try {
        const { images } = await listAll(basic, new Date((OLD + 5000) * 1000).toISOString());
        expect(images.map((image) => image.remoteId)).toEqual([id(broken, back)]);
        const patches = fake.patches.length;
        expect(await drupal.writeAlt(basic, id(broken, back), 'Linen shirt, back')).toMatchObject({ ok: false, code: 'rejected_file', message: expect.stringContaining('deleted') });
        expect(fake.patches.length).toBe(patches);
      } finally {
        fake.entities.delete(broken.uuid);
      }
    });

    it('refuses a text over 512 characters before any call', async () => {
      const before = fake.requests.length;
      expect(await drupal.writeAlt(basic, id(scarf, scarfFile), 'x'.repeat(513))).toMatchObject({ ok: false, code: 'text_too_long' });
      expect(fake.requests.length).toBe(before);
    });

    it('reports an entity gone, an image gone from the field, and an id that is not one', async () => {
      const ghost = '00000000-0000-4000-8000-000000000000';
      expect(await drupal.readAlt(basic, `${ghost}:${front.uuid}`)).toMatchObject({ ok: false, code: 'not_found' });
      expect(await drupal.readAlt(basic, `${scarf.uuid}:${front.uuid}`)).toMatchObject({ ok: false, code: 'not_found', message: expect.stringContaining('no longer in field_image') });
      expect(await drupal.writeAlt(basic, '42', 'x')).toMatchObject({ ok: false, code: 'not_found' });
    });
  });

  describe('translations', () => {
    it('writes a translation’s alt through the language prefix, leaving the default language alone', async () => {
      const before = fake.altOf(shirt.uuid, front.uuid);
      expect(await drupal.writeAltTranslation!(basic, id(shirt, front), 'fr', 'Chemise en lin, vue de face')).toEqual({ ok: true, altText: 'Chemise en lin, vue de face' });
      expect(fake.patches.at(-1)!.path).toBe(`/fr/jsonapi/node/article/${shirt.uuid}`);
      expect(fake.altOf(shirt.uuid, front.uuid, 'fr')).toBe('Chemise en lin, vue de face');
      expect(fake.altOf(shirt.uuid, front.uuid)).toBe(before);
    });

    it('reports a missing translation as not_found and creates none', async () => {
      const patches = fake.patches.length;
      expect(await drupal.writeAltTranslation!(basic, id(scarf, scarfFile), 'de', 'Roter Wollschal')).toMatchObject({ ok: false, code: 'not_found', message: expect.stringContaining('no “de” translation') });
      expect(fake.patches.length).toBe(patches);
      expect(fake.entities.get(scarf.uuid)!.translations.has('de')).toBe(false);
    });

    it('reports Drupal’s 405 for a translation that went away meanwhile as not_found', async () => {
      fake.failNext({ status: 405, detail: 'The requested translation of the resource object does not exist, instead modify one of the translations that do exist: en.', match: (method) => method === 'PATCH' });
      expect(await drupal.writeAltTranslation!(basic, id(shirt, front), 'fr', 'Chemise')).toMatchObject({ ok: false, code: 'not_found', message: expect.stringContaining('no “fr” translation') });
    });

    it('reports a language the site has no prefix for as not_found', async () => {
      expect(await drupal.writeAltTranslation!(basic, id(shirt, front), 'it', 'Camicia')).toMatchObject({ ok: false, code: 'not_found', message: expect.stringContaining('“it”') });
      expect(await drupal.writeAltTranslation!(basic, id(shirt, front), '../x', 'Camicia')).toMatchObject({ ok: false, code: 'not_found' });
    });
  });
});
