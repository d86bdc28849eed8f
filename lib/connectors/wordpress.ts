import { z } from 'zod';
import type { Result } from '@/lib/result';
import { text as textInput } from '@/lib/text-input';
import { secretField, storeUrlField } from './input';
import { StoreHttp, fail, httpUrl, record, storeTime, text, type Fail, type Json, type JsonDialect } from './store-http';
import type { Connector, ConnectorError, ConnectorLimits, ImagePage, RemoteImage, RemoteProduct, StoreAccess } from './types';

/**
 * WordPress (and WooCommerce, when the site has it), through the REST API with an application password.
 *
 * - The API root: /wp-json/ with pretty permalinks, /?rest_route=/ without them (WordPress then answers
 *   /wp-json/ with its HTML home page; the root its `Link: <…>; rel="https://api.w.org/"` header names is that
 *   /?rest_route=/ form). Both are tried, in that order; the one that answers the REST index is kept.
 * - Media: /wp/v2/media, images only, listed in id order with `modified_after` fixed for the whole sync: an
 *   image edited during the sync keeps its place (its id does not change), so no page shifts under the sync;
 *   uploads land at the end. Pages are asked for by offset with a small overlap, and only ids above the
 *   cursor's last id are taken, so an image deleted during the sync cannot make the next page skip one. The
 *   cursor must advance on every page and the page count is capped: a store that pages forever is stopped.
 * - Products: WooCommerce's /wc/v3/products (main image first, then the gallery); without WooCommerce, or for
 *   an image no product shows, the attachment's parent post. Alt text is always read and written on the media
 *   item (/wp/v2/media/<id> alt_text), never through WooCommerce's images[].src, which uploads a copy.
 */

export const WORDPRESS_LIMITS: ConnectorLimits = {
  // WordPress sets no limit (the alt text is post meta, a LONGTEXT column): this is Loupe's ceiling, well above
  // what a useful alt text needs (Loupe's own gate: 250), so that a runaway text is refused, never cut.
  maxAltLength: 1000,
  concurrency: 4,
  requestsPerSecond: 8,
};

/** The largest JSON answer read (a page of 100 media items with `_fields` is far smaller). */
const MAX_JSON_BYTES = 8 * 1024 * 1024;
export const PER_PAGE = 100;
/** Pages of one sync (a million images); past it, the store is paging forever. */
export const MAX_PAGES = 10_000;
/** Re-read the previous page's last few items, so deletions between two pages cannot hide an image. */
const PAGE_OVERLAP = 5;
/** How long a store's product index (WooCommerce) is reused between pages of one sync. */
const PRODUCT_INDEX_TTL_MS = 5 * 60 * 1000;
const MAX_PRODUCT_PAGES = 500;

const http = new StoreHttp({
  kind: 'wordpress',
  limits: WORDPRESS_LIMITS,
  speaker: 'The store',
  redirect: { subject: 'The store', advice: 'enter the address the site is served at (https, www or not).' },
  privateSite: 'a store',
  maxJsonBytes: MAX_JSON_BYTES,
});

const restApi: JsonDialect = {
  mediaType: 'application/json',
  authorization: (access) => `Basic ${Buffer.from(`${access.username}:${access.secret}`).toString('base64')}`,
  notJson: (type) => `The site answered ${type} rather than the WordPress REST API’s JSON.`,
};

// ---------------------------------------------------------------------------------------------------------------
// The API root and JSON calls

/** How a site's REST routes are addressed. */
type ApiForm = 'pretty' | 'query';

interface SiteInfo {
  form: ApiForm;
  namespaces: string[];
}

function routeUrl(base: string, form: ApiForm, route: string, query: Record<string, string | number> = {}): string {
  const params = new URLSearchParams(Object.entries(query).map(([key, value]) => [key, String(value)]));
  if (form === 'pretty') {
    const search = params.toString();
    return `${base}/wp-json${route}${search ? `?${search}` : ''}`;
  }
  const search = new URLSearchParams([['rest_route', route], ...params]);
  return `${base}/?${search.toString()}`;
}

/** One paced JSON call; answers the parsed body for any status, or a failure when it is not JSON at all. */
function callJson(access: StoreAccess, method: 'GET' | 'POST', url: string, body?: object): Promise<Json> {
  return http.callJson(access, restApi, method, url, body);
}

/** Maps WordPress's error answers (`{code, message, data: {status}}`) to the connector's codes. */
function errorAnswer(status: number, json: unknown, what: string): Fail {
  const code = typeof json === 'object' && json && 'code' in json ? String((json as { code: unknown }).code).slice(0, 100) : '';
  if (status === 401) return fail('unauthorized', `WordPress refused the user name or application password (${code || 401}): replace them in the connection.`);
  if (status === 403) return fail('forbidden', `The WordPress user may not ${what} (${code || 403}).`);
  if (status === 404) return fail('not_found', `WordPress has no ${what.replace(/^\w+ /, '')} there (${code || 404}).`);
  return fail('remote_error', `WordPress answered ${status} (${code || 'no code'}) to ${what}.`);
}

const sites = new Map<string, { info: SiteInfo; at: number }>();

function isIndex(json: unknown): json is { namespaces: string[] } {
  return typeof json === 'object' && json !== null && Array.isArray((json as { namespaces?: unknown }).namespaces);
}

/** Finds the REST API: /wp-json/ first; when that answers anything but the REST index, /?rest_route=/. */
async function discover(access: StoreAccess): Promise<Result<{ info: SiteInfo }, ConnectorError>> {
  const fields = { _fields: 'name,namespaces' };
  const pretty = await callJson(access, 'GET', routeUrl(access.url, 'pretty', '/', fields));
  if (pretty.ok && pretty.status === 200 && isIndex(pretty.json)) return { ok: true, info: { form: 'pretty', namespaces: pretty.json.namespaces.map(String) } };
  // A site that guards its whole REST API answers the index itself with WordPress's JSON 401 or 403.
  if (pretty.ok && (pretty.status === 401 || pretty.status === 403) && record(pretty.json)?.code) return errorAnswer(pretty.status, pretty.json, 'use the REST API');
  if (!pretty.ok && pretty.code !== 'not_platform' && pretty.code !== 'remote_error') return pretty;
  const query = await callJson(access, 'GET', routeUrl(access.url, 'query', '/', fields));
  if (query.ok && query.status === 200 && isIndex(query.json)) return { ok: true, info: { form: 'query', namespaces: query.json.namespaces.map(String) } };
  if (!query.ok && query.code !== 'not_platform') return query;
  return fail('not_platform', `${access.url} does not answer as a WordPress REST API (neither /wp-json/ nor /?rest_route=/): check the address, and that the REST API is not disabled by a plugin.`);
}

async function siteInfo(access: StoreAccess, fresh = false): Promise<Result<{ info: SiteInfo }, ConnectorError>> {
  const known = sites.get(access.url);
  if (!fresh && known && Date.now() - known.at < PRODUCT_INDEX_TTL_MS) return { ok: true, info: known.info };
  const found = await discover(access);
  if (found.ok) sites.set(access.url, { info: found.info, at: Date.now() });
  return found;
}

/** A call to a route; when the cached form is stale (permalinks switched since), rediscovers once and retries. */
async function api(access: StoreAccess, method: 'GET' | 'POST', route: string, query: Record<string, string | number>, body?: object): Promise<Json> {
  const site = await siteInfo(access);
  if (!site.ok) return site;
  const answer = await callJson(access, method, routeUrl(access.url, site.info.form, route, query), body);
  if ((!answer.ok && answer.code === 'not_platform') || (answer.ok && answer.status === 404 && routeMissing(answer.json))) {
    const again = await siteInfo(access, true);
    if (!again.ok) return again;
    if (again.info.form !== site.info.form) return callJson(access, method, routeUrl(access.url, again.info.form, route, query), body);
  }
  return answer;
}

function routeMissing(json: unknown): boolean {
  return typeof json === 'object' && json !== null && (json as { code?: unknown }).code === 'rest_no_route';
}

// ---------------------------------------------------------------------------------------------------------------
// Reading the answers (hostile: every field checked)

function positiveId(value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : null;
}

/** WordPress's "rendered"/"raw" objects (title), or a plain string. */
function rendered(value: unknown): string {
  const object = record(value);
  return object ? text(object.raw ?? object.rendered, 500) : text(value, 500);
}

/** WordPress's GMT times come without a zone ("2026-12-04T21:52:25"): they are UTC. */
function gmt(value: unknown): string | null {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(value)) return null;
  const at = Date.parse(`${value}Z`);
  return Number.isNaN(at) ? null : new Date(at).toISOString();
}

interface MediaItem {
  id: number;
  image: Omit<RemoteImage, 'product' | 'position'>;
  parent: number | null;
}

function mediaItem(value: unknown): MediaItem | null {
  const item = record(value);
  if (!item) return null;
  const id = positiveId(item.id);
  const url = httpUrl(item.source_url);
  const modifiedAt = gmt(item.modified_gmt);
  if (!id || !url || !modifiedAt) return null;
  const details = record(item.media_details);
  const file = text(details?.file, 500) || new URL(url).pathname;
  return {
    id,
    parent: positiveId(item.post),
    image: {
      remoteId: String(id),
      url,
      altText: text(item.alt_text, 10_000),
      filename: file.split('/').pop() || null,
      mimeType: text(item.mime_type, 100) || null,
      modifiedAt,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Products

type Placement = { product: RemoteProduct; position: number };

const productIndexes = new Map<string, { byImage: Map<string, Placement>; at: number }>();

/** Every WooCommerce product's images, by media id (null: the site has no WooCommerce this user may read). */
async function wooCommerceIndex(access: StoreAccess, info: SiteInfo, fresh: boolean): Promise<Result<{ byImage: Map<string, Placement> | null }, ConnectorError>> {
  if (!info.namespaces.includes('wc/v3')) return { ok: true, byImage: null };
  const cacheKey = `${access.url}\u0000${access.username}`;
  const cached = productIndexes.get(cacheKey);
  if (!fresh && cached && Date.now() - cached.at < PRODUCT_INDEX_TTL_MS) return { ok: true, byImage: cached.byImage };
  const byImage = new Map<string, Placement>();
  for (let page = 1; page <= MAX_PRODUCT_PAGES; page++) {
    const answer = await api(access, 'GET', '/wc/v3/products', { per_page: PER_PAGE, page, _fields: 'id,name,slug,sku,categories,images' });
    if (!answer.ok) return answer;
    // WooCommerce there but not for this user (its own capabilities), or gone since the site was last looked at:
    // photos fall back to their parent posts.
    if (answer.status === 401 || answer.status === 403 || answer.status === 404) return { ok: true, byImage: null };
    if (answer.status !== 200 || !Array.isArray(answer.json)) return errorAnswer(answer.status, answer.json, 'list WooCommerce products');
    for (const raw of answer.json) {
      const product = record(raw);
      const id = positiveId(product?.id);
      if (!product || !id) continue;
      const categories = Array.isArray(product.categories) ? product.categories.map((category) => text(record(category)?.name, 200)).filter(Boolean) : [];
      const remote: RemoteProduct = {
        remoteId: String(id),
        title: text(product.name, 500),
        sku: text(product.sku, 200) || null,
        handle: text(product.slug, 200) || null,
        collection: categories.length ? categories.join(', ') : null,
      };
      const images = Array.isArray(product.images) ? product.images : [];
      images.forEach((image, position) => {
        const imageId = positiveId(record(image)?.id);
        // An image shown by two products belongs to the first that lists it.
        if (imageId && !byImage.has(String(imageId))) byImage.set(String(imageId), { product: remote, position });
      });
    }
    const totalPages = Number(answer.headers['x-wp-totalpages']);
    if (!(Number.isFinite(totalPages) && page < totalPages) || answer.json.length === 0) break;
  }
  productIndexes.set(cacheKey, { byImage, at: Date.now() });
  return { ok: true, byImage };
}

/** Parent posts (or pages) of a page's images, with their categories' names. */
async function parentPosts(access: StoreAccess, ids: number[]): Promise<Result<{ parents: Map<number, { product: RemoteProduct; featured: number | null }> }, ConnectorError>> {
  const parents = new Map<number, { product: RemoteProduct; featured: number | null }>();
  const categoryIds = new Map<number, number[]>();
  let missing = ids;
  for (const route of ['/wp/v2/posts', '/wp/v2/pages']) {
    if (missing.length === 0) break;
    const answer = await api(access, 'GET', route, {
      include: missing.join(','),
      per_page: PER_PAGE,
      context: 'edit',
      status: 'any',
      _fields: 'id,title,slug,categories,featured_media',
    });
    if (!answer.ok) return answer;
    if (answer.status !== 200 || !Array.isArray(answer.json)) continue;
    for (const raw of answer.json) {
      const post = record(raw);
      const id = positiveId(post?.id);
      if (!post || !id) continue;
      parents.set(id, {
        product: { remoteId: String(id), title: rendered(post.title), sku: null, handle: text(post.slug, 200) || null, collection: null },
        featured: positiveId(post.featured_media),
      });
      if (Array.isArray(post.categories)) categoryIds.set(id, post.categories.map(positiveId).filter((value): value is number => value !== null));
    }
    missing = missing.filter((id) => !parents.has(id));
  }
  const allCategories = [...new Set([...categoryIds.values()].flat())];
  if (allCategories.length) {
    const answer = await api(access, 'GET', '/wp/v2/categories', { include: allCategories.join(','), per_page: PER_PAGE, _fields: 'id,name' });
    if (!answer.ok) return answer;
    const names = new Map<number, string>();
    if (answer.status === 200 && Array.isArray(answer.json)) {
      for (const raw of answer.json) {
        const id = positiveId(record(raw)?.id);
        if (id) names.set(id, text(record(raw)?.name, 200));
      }
    }
    for (const [postId, ids] of categoryIds) {
      const named = ids.map((id) => names.get(id)).filter((name): name is string => Boolean(name));
      const parent = parents.get(postId);
      if (parent && named.length) parent.product.collection = named.join(', ');
    }
  }
  return { ok: true, parents };
}

// ---------------------------------------------------------------------------------------------------------------
// Cursor

interface Cursor {
  /** Items of the listing consumed so far (the next offset, before the overlap). */
  offset: number;
  /** The highest media id taken: ids only grow along the listing, so anything at or below it was seen. */
  lastId: number;
  pages: number;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(raw: string | null): Cursor | null {
  if (raw === null) return { offset: 0, lastId: 0, pages: 0 };
  try {
    const parsed = record(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
    const offset = parsed?.offset;
    const lastId = parsed?.lastId;
    const pages = parsed?.pages;
    if (![offset, lastId, pages].every((value) => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0)) return null;
    return { offset: offset as number, lastId: lastId as number, pages: pages as number };
  } catch {
    return null;
  }
}

/**
 * `modified_after` is strict (WP_Query's date_query "after"), and times have whole seconds: one second back keeps
 * an edit made in the cursor's own second. It is compared with post_modified, in the site's own time zone, and
 * WP_Date_Query converts a time that names its zone into that one: so the Z, or a store in Berlin would be asked
 * for changes an hour off.
 */
function modifiedAfter(since: string): string | null {
  const at = Date.parse(since);
  if (Number.isNaN(at)) return null;
  return new Date(at - 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// ---------------------------------------------------------------------------------------------------------------
// Input: a site address, a user and one of their application passwords

const username = textInput().trim().min(1, 'Enter the store user’s name.').max(200, 'Use at most 200 characters for the user name.');
const applicationPassword = secretField('application password');
const connectInput = z.object({ url: storeUrlField(), username, applicationPassword }).strict();
const credentialsInput = z.object({ username, applicationPassword }).strict();

export const wordpressConnector: Connector = {
  kind: 'wordpress',
  label: 'WordPress',
  limits: WORDPRESS_LIMITS,
  connectInput,
  accessFrom(input) {
    const fields = connectInput.parse(input);
    return { url: fields.url, username: fields.username, secret: fields.applicationPassword, settings: {} };
  },
  credentialsInput,
  credentialsFrom(input) {
    const fields = credentialsInput.parse(input);
    return { username: fields.username, secret: fields.applicationPassword };
  },
  form: {
    connect: [
      { name: 'url', label: 'Store address', hint: 'The site’s address, e.g. https://shop.example.com.' },
      { name: 'username', label: 'User name', hint: 'A WordPress user who may edit media.' },
      { name: 'applicationPassword', label: 'Application password', secret: true, hint: 'Users → Profile → Application Passwords. Kept encrypted; never shown again.' },
    ],
    credentials: [
      { name: 'username', label: 'User name' },
      { name: 'applicationPassword', label: 'New application password', secret: true },
    ],
  },

  async verify(access) {
    const site = await siteInfo(access, true);
    if (!site.ok) return site;
    const answer = await api(access, 'GET', '/wp/v2/users/me', { context: 'edit', _fields: 'id,name,slug,username,capabilities' });
    if (!answer.ok) return answer;
    if (answer.status === 404) return fail('not_platform', 'The site’s REST API has no /wp/v2/users/me (a plugin may hide the users endpoint): Loupe needs it to check the account.');
    if (answer.status !== 200) return errorAnswer(answer.status, answer.json, 'read their own profile');
    const user = record(answer.json);
    const capabilities = record(user?.capabilities);
    if (!user || !capabilities) return fail('not_platform', 'WordPress answered /wp/v2/users/me without the user’s capabilities.');
    // Uploading is what "may use the media library" means; editing others' posts is what lets the user change
    // the alt text of an image someone else uploaded (an attachment is edited with the post capabilities).
    const missing = ['upload_files', 'edit_posts', 'edit_others_posts'].filter((capability) => capabilities[capability] !== true);
    const account = text(user.username, 200) || text(user.slug, 200) || text(user.name, 200);
    if (missing.length) {
      return fail('forbidden', `The WordPress user ${account} may not edit the media library (missing: ${missing.join(', ')}): use an Editor or Administrator account.`);
    }
    return { ok: true, account };
  },

  async listChangedImages(access, { since, cursor: rawCursor }) {
    const cursor = decodeCursor(rawCursor);
    if (!cursor) return fail('remote_error', 'The sync’s position could not be read; start the sync again.');
    if (cursor.pages >= MAX_PAGES) return fail('remote_error', `The store listed more than ${MAX_PAGES} pages of images; the sync stopped there.`);
    const after = since === null ? null : modifiedAfter(since);
    if (since !== null && after === null) return fail('remote_error', `${since} is not a time.`);
    // A sync's first page looks at the site afresh (permalinks switched, WooCommerce installed since).
    const site = await siteInfo(access, cursor.pages === 0);
    if (!site.ok) return site;
    const offset = Math.max(0, cursor.offset - (cursor.offset > 0 ? PAGE_OVERLAP : 0));
    const answer = await api(access, 'GET', '/wp/v2/media', {
      media_type: 'image',
      per_page: PER_PAGE,
      offset,
      orderby: 'id',
      order: 'asc',
      context: 'edit',
      _fields: 'id,source_url,alt_text,mime_type,media_details,modified_gmt,post',
      ...(after ? { modified_after: after } : {}),
    });
    if (!answer.ok) return answer;
    // Past the end WordPress answers 400 rest_post_invalid_page_number: the listing is over.
    if (answer.status === 400 && record(answer.json)?.code === 'rest_post_invalid_page_number') return { ok: true, images: [], next: null, storeTime: storeTime(answer.headers) };
    if (answer.status !== 200 || !Array.isArray(answer.json)) return errorAnswer(answer.status, answer.json, 'list the media library');
    const items = answer.json.map(mediaItem);
    if (items.some((item) => item === null)) return fail('not_platform', 'WordPress listed a media item without an id, a source URL or a modified time.');
    const fresh = (items as MediaItem[]).filter((item) => item.id > cursor.lastId);
    const total = Number(answer.headers['x-wp-total']);
    const consumed = offset + answer.json.length;
    const more = answer.json.length === PER_PAGE && !(Number.isFinite(total) && consumed >= total);
    if (more && fresh.length === 0) return fail('remote_error', 'The store answered the same page of images again; the sync stopped so as not to page forever.');
    const lastId = fresh.reduce((max, item) => Math.max(max, item.id), cursor.lastId);
    const attached = await attachProducts(access, site.info, fresh, cursor.pages === 0);
    if (!attached.ok) return attached;
    const page: ImagePage = {
      images: attached.images,
      next: more ? encodeCursor({ offset: consumed, lastId, pages: cursor.pages + 1 }) : null,
      storeTime: storeTime(answer.headers),
    };
    return { ok: true, ...page };
  },

  fetchImage(access, image, { maxBytes }) {
    // No credentials with the download: media files are public, and the file may live on another host (a CDN).
    return http.fetchImage(access, image, maxBytes);
  },

  async readAlt(access, remoteId) {
    if (!/^\d{1,19}$/.test(remoteId)) return fail('not_found', `${remoteId.slice(0, 50)} is not a WordPress media id.`);
    const answer = await api(access, 'GET', `/wp/v2/media/${remoteId}`, { context: 'edit', _fields: 'id,alt_text' });
    if (!answer.ok) return answer;
    if (answer.status !== 200) return errorAnswer(answer.status, answer.json, `read media item ${remoteId}`);
    const altText = record(answer.json)?.alt_text;
    if (typeof altText !== 'string') return fail('not_platform', `WordPress answered media item ${remoteId} without its alt text.`);
    return { ok: true, altText: text(altText, 10_000) };
  },

  async writeAlt(access, remoteId, altText) {
    if (!/^\d{1,19}$/.test(remoteId)) return fail('not_found', `${remoteId.slice(0, 50)} is not a WordPress media id.`);
    if (altText.length > WORDPRESS_LIMITS.maxAltLength) {
      return fail('text_too_long', `The alt text is ${altText.length} characters long; Loupe writes at most ${WORDPRESS_LIMITS.maxAltLength} to WordPress.`);
    }
    const answer = await api(access, 'POST', `/wp/v2/media/${remoteId}`, { context: 'edit', _fields: 'id,alt_text' }, { alt_text: altText });
    if (!answer.ok) return answer;
    if (answer.status !== 200) return errorAnswer(answer.status, answer.json, `edit media item ${remoteId}`);
    const stored = record(answer.json)?.alt_text;
    if (typeof stored !== 'string') return fail('not_platform', `WordPress answered media item ${remoteId} without its alt text.`);
    // WordPress stores the text through sanitize_text_field: tags stripped, line breaks and runs of spaces folded.
    return { ok: true, altText: text(stored, 10_000) };
  },
};

async function attachProducts(access: StoreAccess, info: SiteInfo, items: MediaItem[], fresh: boolean): Promise<Result<{ images: RemoteImage[] }, ConnectorError>> {
  const woo = await wooCommerceIndex(access, info, fresh);
  if (!woo.ok) return woo;
  const placed = (item: MediaItem) => woo.byImage?.get(item.image.remoteId) ?? null;
  const parentIds = [...new Set(items.filter((item) => !placed(item) && item.parent !== null).map((item) => item.parent as number))];
  const parents = parentIds.length ? await parentPosts(access, parentIds) : { ok: true as const, parents: new Map() };
  if (!parents.ok) return parents;
  return {
    ok: true,
    images: items.map((item): RemoteImage => {
      const placement = placed(item);
      if (placement) return { ...item.image, product: placement.product, position: placement.position };
      const parent = item.parent !== null ? parents.parents.get(item.parent) : undefined;
      if (parent) return { ...item.image, product: parent.product, position: parent.featured === item.id ? 0 : null };
      return { ...item.image, product: null, position: null };
    }),
  };
}

/** For tests and the benchmark: pacing figures of one store's host. */
export function wordpressPaceStats(url: string) {
  return http.stats(url);
}
