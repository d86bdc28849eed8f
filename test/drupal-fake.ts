import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Drupal site's JSON:API on 127.0.0.1, as Drupal core's jsonapi module answers it (checked against core's own
 * functional tests and drupal.org's JSON:API pages), for the Drupal connector's tests:
 *
 * - The entry point /jsonapi lists the resource types under `links` and, for an authenticated user only, names
 *   them in `meta.links.me` (wrong basic-auth credentials leave the request anonymous there, as core's
 *   basic_auth does; a route anonymous may not use then answers 401). Bearer tokens (simple_oauth) answer 401
 *   when unknown.
 * - Collections /jsonapi/{type}/{bundle}: `filter[x][condition][path|operator|value]` on `changed` (a Unix
 *   timestamp, the stored value), `sort=changed,id`, `page[offset]`/`page[limit]` (at most 50), `links.next`
 *   only while more follow, `include` of the image field (file--file entities with uri.url, filename,
 *   filemime), 400 for an include that names no relationship field.
 * - Resources /jsonapi/{type}/{bundle}/{uuid}, GET and PATCH (`application/vnd.api+json` only, else 415). The
 *   image field's items carry `meta` {alt, title, width, height, drupal_internal__target_id}; PATCH replaces the
 *   field's items with those sent. `dropsAlt` makes the field ignore `meta.alt`, as a Drupal 11 image field
 *   whose alt is switched off does. A translation is read and written through the language prefix (/fr/jsonapi/…):
 *   GET falls back to the default language (its `langcode` says so), PATCH of a missing translation is 405.
 * - Errors are JSON:API error documents: `{errors: [{status, title, detail, source?}]}`; `failNext` answers the
 *   next matching calls with any status, headers and document (429 with Retry-After, 5xx, 422 with a pointer).
 */

const DRUPAL_PAGE_LIMIT = 50;

export interface ImageItem {
  fileUuid: string;
  alt: string;
  title: string;
  width: number;
  height: number;
}

interface Translation {
  title: string;
  images: ImageItem[];
}

export interface FakeEntity {
  uuid: string;
  internalId: number;
  /** Unix seconds, as Drupal stores `changed`. */
  changed: number;
  translations: Map<string, Translation>;
}

export interface FakeFile {
  uuid: string;
  fid: number;
  filename: string;
  filemime: string;
  bytes: Buffer;
}

export interface Bundle {
  entityType: string;
  bundle: string;
  /** The image field: `field_image` on an article, `field_media_image` on an image media. */
  field: string;
  /** One image at most (a media item's): the relationship is one object, not an array. */
  single?: boolean;
}

export interface Failure {
  status: number;
  headers?: Record<string, string>;
  /** A JSON:API document; a plain `{errors: [{status, title, detail}]}` made from `detail` when absent. */
  document?: unknown;
  /** Answered as it is, with its own content type (an HTML error page). */
  raw?: { contentType: string; body: string };
  detail?: string;
  /** Which requests it answers (default: any): "GET", "PATCH", or a method and path prefix. */
  match?: (method: string, path: string) => boolean;
}

export interface PatchSeen {
  path: string;
  body: unknown;
}

export interface DrupalFake {
  url: string;
  username: string;
  password: string;
  token: string;
  userName: string;
  /** The site's clock (Unix seconds) for `changed` and the Date header; tests move it. */
  now: number;
  bundles: Bundle[];
  entities: Map<string, FakeEntity & { bundle: Bundle }>;
  files: Map<string, FakeFile>;
  /** The image field ignores meta.alt on PATCH (a Drupal 11 field with its alt switched off): the old alt stays. */
  dropsAlt: boolean;
  /** The account may read but not edit (403 on PATCH). */
  readOnlyUser: boolean;
  patches: PatchSeen[];
  requests: { method: string; path: string; authorization: string | null }[];
  failNext(failure: Failure, times?: number): void;
  addFile(filename: string, bytes: Buffer, filemime?: string): FakeFile;
  addEntity(bundle: Bundle, entity: { title: string; images: Array<Partial<ImageItem> & { fileUuid: string }>; changed?: number }): FakeEntity;
  addTranslation(uuid: string, langcode: string, translation: { title: string; alts: string[] }): void;
  /** An editor changes one image's alt text in Drupal (the entity's `changed` moves to now). */
  editAlt(uuid: string, fileUuid: string, alt: string, langcode?: string): void;
  altOf(uuid: string, fileUuid: string, langcode?: string): string | undefined;
  close(): Promise<void>;
}

const JSONAPI = 'application/vnd.api+json';

function errorDocument(status: number, title: string, detail: string, source?: { pointer?: string; parameter?: string }) {
  return { jsonapi: { version: '1.0' }, errors: [{ status: String(status), title, detail, ...(source ? { source } : {}) }] };
}

const TITLES: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict', 415: 'Unsupported Media Type', 422: 'Unprocessable Entity', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable' };

export async function startDrupalFake(options: { bundles?: Bundle[]; languages?: string[] } = {}): Promise<DrupalFake> {
  const bundles = options.bundles ?? [
    { entityType: 'node', bundle: 'article', field: 'field_image' },
    { entityType: 'media', bundle: 'image', field: 'field_media_image', single: true },
  ];
  const languages = new Set(options.languages ?? ['en', 'fr', 'de']);
  const userUuid = randomUUID();
  const failures: { failure: Failure; left: number }[] = [];
  let nextId = 1;
  let nextFid = 1;

  const fake: DrupalFake = {
    url: '',
    username: 'catalogue-editor',
    password: 'drupal-password-1',
    token: 'oauth-token-abcdef',
    userName: 'Catalogue editor',
    now: Math.floor(Date.parse('2026-01-01T00:00:00Z') / 1000),
    bundles,
    entities: new Map(),
    files: new Map(),
    dropsAlt: false,
    readOnlyUser: false,
    patches: [],
    requests: [],
    failNext(failure, times = 1) {
      failures.push({ failure, left: times });
    },
    addFile(filename, bytes, filemime = 'image/jpeg') {
      const file = { uuid: randomUUID(), fid: nextFid++, filename, filemime, bytes };
      fake.files.set(file.uuid, file);
      return file;
    },
    addEntity(bundle, entity) {
      const added = {
        uuid: randomUUID(),
        internalId: nextId++,
        changed: entity.changed ?? fake.now,
        // The fake's own bundle (compared by identity below), whichever equal object the test passed.
        bundle: bundles.find((known) => known.entityType === bundle.entityType && known.bundle === bundle.bundle) ?? bundle,
        translations: new Map([['en', { title: entity.title, images: entity.images.map((image) => ({ alt: '', title: '', width: 48, height: 32, ...image })) }]]),
      };
      fake.entities.set(added.uuid, added);
      return added;
    },
    addTranslation(uuid, langcode, translation) {
      const entity = fake.entities.get(uuid)!;
      const base = entity.translations.get('en')!;
      entity.translations.set(langcode, { title: translation.title, images: base.images.map((image, delta) => ({ ...image, alt: translation.alts[delta] ?? '' })) });
    },
    editAlt(uuid, fileUuid, alt, langcode = 'en') {
      const entity = fake.entities.get(uuid)!;
      const item = entity.translations.get(langcode)!.images.find((image) => image.fileUuid === fileUuid)!;
      item.alt = alt;
      entity.changed = fake.now;
    },
    altOf(uuid, fileUuid, langcode = 'en') {
      return fake.entities.get(uuid)?.translations.get(langcode)?.images.find((image) => image.fileUuid === fileUuid)?.alt;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const resourceType = (bundle: Bundle) => `${bundle.entityType}--${bundle.bundle}`;
  const base = () => fake.url;

  function fileResource(file: FakeFile) {
    return {
      type: 'file--file',
      id: file.uuid,
      attributes: { drupal_internal__fid: file.fid, filename: file.filename, filemime: file.filemime, filesize: file.bytes.length, uri: { value: `public://${file.filename}`, url: `/sites/default/files/${file.filename}` } },
    };
  }

  function resource(entity: FakeEntity & { bundle: Bundle }, langcode: string) {
    const translation = entity.translations.get(langcode)!;
    const label = entity.bundle.entityType === 'media' ? 'name' : 'title';
    // A reference to a file deleted since is answered as "missing", as Drupal does.
    const items = translation.images.map((image) => {
      const file = fake.files.get(image.fileUuid);
      return { type: 'file--file', id: file ? image.fileUuid : 'missing', meta: { drupal_internal__target_id: file?.fid ?? 0, alt: image.alt, title: image.title, width: image.width, height: image.height } };
    });
    return {
      type: resourceType(entity.bundle),
      id: entity.uuid,
      links: { self: { href: `${base()}/jsonapi/${entity.bundle.entityType}/${entity.bundle.bundle}/${entity.uuid}` } },
      attributes: { [`drupal_internal__${entity.bundle.entityType === 'media' ? 'mid' : 'nid'}`]: entity.internalId, langcode, [label]: translation.title, changed: new Date(entity.changed * 1000).toISOString().replace('.000Z', '+00:00') },
      relationships: {
        [entity.bundle.field]: {
          data: entity.bundle.single ? (items[0] ?? null) : items,
          links: { self: { href: `${base()}/jsonapi/${entity.bundle.entityType}/${entity.bundle.bundle}/${entity.uuid}/relationships/${entity.bundle.field}` } },
        },
      },
    };
  }

  /** Who is asking: a user, an anonymous visitor (no or wrong basic credentials), or refused outright (a bad token). */
  function caller(request: http.IncomingMessage): 'user' | 'anonymous' | 'bad_token' {
    const header = request.headers.authorization ?? '';
    if (header.startsWith('Bearer ')) return header.slice(7) === fake.token ? 'user' : 'bad_token';
    if (header.startsWith('Basic ')) {
      const [user, ...rest] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
      return user === fake.username && rest.join(':') === fake.password ? 'user' : 'anonymous';
    }
    return 'anonymous';
  }

  function send(response: http.ServerResponse, status: number, document: unknown, headers: Record<string, string> = {}) {
    response.writeHead(status, { 'content-type': JSONAPI, date: new Date(fake.now * 1000).toUTCString(), ...headers });
    response.end(JSON.stringify(document));
  }

  function fail(response: http.ServerResponse, status: number, detail: string, source?: { pointer?: string; parameter?: string }, headers: Record<string, string> = {}) {
    send(response, status, errorDocument(status, TITLES[status] ?? 'Error', detail, source), headers);
  }

  function collection(response: http.ServerResponse, url: URL, bundle: Bundle, langcode: string) {
    const query = url.searchParams;
    const include = query.get('include');
    if (include && include !== bundle.field) {
      return fail(response, 400, `\`${include}\` is not a valid relationship field name. Possible values: ${bundle.field}.`, { parameter: 'include' });
    }
    let rows = [...fake.entities.values()].filter((entity) => entity.bundle === bundle);
    const conditions = new Map<string, Record<string, string>>();
    for (const [key, value] of query) {
      const match = /^filter\[([^\]]+)\]\[condition\]\[(path|operator|value)\]$/.exec(key);
      if (match) conditions.set(match[1], { ...conditions.get(match[1]), [match[2]]: value });
    }
    for (const condition of conditions.values()) {
      if (condition.path !== 'changed') return fail(response, 400, `Invalid nested filtering. The field \`${condition.path}\`, given in the path \`${condition.path}\`, does not exist.`);
      const value = Number(condition.value);
      if (!Number.isInteger(value)) return fail(response, 400, 'The filter value for `changed` must be a timestamp.');
      const test: Record<string, (changed: number) => boolean> = { '>': (c) => c > value, '>=': (c) => c >= value, '<': (c) => c < value, '=': (c) => c === value };
      const operator = test[condition.operator ?? '='];
      if (!operator) return fail(response, 400, `The operator "${condition.operator}" is not known.`);
      rows = rows.filter((entity) => operator(entity.changed));
    }
    const sort = query.get('sort');
    if (sort && sort !== 'changed,id') return fail(response, 400, `The fake sorts by "changed,id" only, not "${sort}".`);
    if (sort) rows.sort((a, b) => a.changed - b.changed || (a.uuid < b.uuid ? -1 : a.uuid > b.uuid ? 1 : 0));
    const offset = Number(query.get('page[offset]') ?? 0);
    const limit = Math.min(DRUPAL_PAGE_LIMIT, Number(query.get('page[limit]') ?? DRUPAL_PAGE_LIMIT));
    const page = rows.slice(offset, offset + limit);
    const data = page.map((entity) => resource(entity, entity.translations.has(langcode) ? langcode : 'en'));
    const related = (item: (typeof data)[number]) => [item.relationships[bundle.field].data].flat().filter((ref) => ref !== null);
    const included = include ? [...new Map(data.flatMap(related).map((ref) => [ref.id, fake.files.get(ref.id)] as const).filter(([, file]) => file)).values()].map((file) => fileResource(file!)) : undefined;
    const links: Record<string, { href: string }> = { self: { href: url.toString() } };
    if (offset + limit < rows.length) {
      const next = new URL(url.toString());
      next.searchParams.set('page[offset]', String(offset + limit));
      next.searchParams.set('page[limit]', String(limit));
      links.next = { href: next.toString() };
    }
    send(response, 200, { jsonapi: { version: '1.0' }, data, ...(included ? { included } : {}), links });
  }

  async function patch(request: http.IncomingMessage, response: http.ServerResponse, entity: FakeEntity & { bundle: Bundle }, langcode: string, path: string) {
    const type = String(request.headers['content-type'] ?? '');
    if (!type.startsWith(JSONAPI)) return fail(response, 415, `No route found that matches "Content-Type: ${type}"`);
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    let body: { data?: { type?: string; id?: string; relationships?: Record<string, { data?: unknown }> } };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return fail(response, 400, 'Syntax error');
    }
    fake.patches.push({ path, body });
    if (fake.readOnlyUser) return fail(response, 403, `The current user is not allowed to PATCH the selected resource. The 'edit any ${entity.bundle.bundle} content' permission is required.`, { pointer: '/data' });
    if (!entity.translations.has(langcode)) {
      return fail(response, 405, `The requested translation of the resource object does not exist, instead modify one of the translations that do exist: ${[...entity.translations.keys()].join(', ')}.`);
    }
    if (body.data?.type !== resourceType(entity.bundle) || body.data.id !== entity.uuid) return fail(response, 409, 'The selected entity (the id in the URL) does not match the one sent.', { pointer: '/data/id' });
    const sent = body.data.relationships?.[entity.bundle.field]?.data;
    if (sent !== undefined) {
      if (Array.isArray(sent) === Boolean(entity.bundle.single)) {
        return fail(response, 422, `${entity.bundle.field}: a ${entity.bundle.single ? 'to-one relationship takes one resource identifier' : 'to-many relationship takes an array of resource identifiers'}.`, { pointer: `/data/relationships/${entity.bundle.field}/data` });
      }
      const items: ImageItem[] = [];
      const current = entity.translations.get(langcode)!.images;
      for (const [delta, raw] of (Array.isArray(sent) ? sent : sent === null ? [] : [sent]).entries()) {
        const ref = raw as { type?: string; id?: string; meta?: Record<string, unknown> };
        if (ref.type !== 'file--file' || !ref.id || !fake.files.has(ref.id)) {
          return fail(response, 422, `${entity.bundle.field}.${delta}.target_id: The referenced entity (file: ${ref.id}) does not exist.`, { pointer: `/data/relationships/${entity.bundle.field}/data/${delta}` });
        }
        const alt = ref.meta?.alt;
        if (alt !== undefined && typeof alt !== 'string') return fail(response, 422, `${entity.bundle.field}.${delta}.alt: This value should be of the correct primitive type.`, { pointer: `/data/relationships/${entity.bundle.field}/data/${delta}/meta/alt` });
        if (typeof alt === 'string' && alt.length > 512) return fail(response, 422, `${entity.bundle.field}.${delta}.alt: This value is too long. It should have 512 characters or less.`, { pointer: `/data/relationships/${entity.bundle.field}/data/${delta}/meta/alt` });
        items.push({
          fileUuid: ref.id,
          alt: fake.dropsAlt ? (current.find((image) => image.fileUuid === ref.id)?.alt ?? '') : typeof alt === 'string' ? alt : '',
          title: typeof ref.meta?.title === 'string' ? ref.meta.title : '',
          width: typeof ref.meta?.width === 'number' ? ref.meta.width : 0,
          height: typeof ref.meta?.height === 'number' ? ref.meta.height : 0,
        });
      }
      entity.translations.get(langcode)!.images = items;
      entity.changed = fake.now;
    }
    send(response, 200, { jsonapi: { version: '1.0' }, data: resource(entity, langcode) });
  }

  async function handle(request: http.IncomingMessage, response: http.ServerResponse) {
    const url = new URL(request.url ?? '/', base());
    const method = request.method ?? 'GET';
    fake.requests.push({ method, path: url.pathname + url.search, authorization: request.headers.authorization ?? null });
    const pending = failures.find((entry) => entry.left > 0 && (!entry.failure.match || entry.failure.match(method, url.pathname)));
    if (pending) {
      pending.left -= 1;
      const { failure } = pending;
      if (failure.raw) {
        response.writeHead(failure.status, { 'content-type': failure.raw.contentType, ...failure.headers });
        return response.end(failure.raw.body);
      }
      return send(response, failure.status, failure.document ?? errorDocument(failure.status, TITLES[failure.status] ?? 'Error', failure.detail ?? 'Failed.'), failure.headers);
    }
    const fileMatch = /^\/sites\/default\/files\/(.+)$/.exec(url.pathname);
    if (fileMatch && method === 'GET') {
      const file = [...fake.files.values()].find((candidate) => candidate.filename === decodeURIComponent(fileMatch[1]));
      if (!file) {
        response.writeHead(404, { 'content-type': 'text/html' });
        return response.end('<h1>Page not found</h1>');
      }
      response.writeHead(200, { 'content-type': file.filemime, 'content-length': String(file.bytes.length) });
      return response.end(file.bytes);
    }
    const who = caller(request);
    if (who === 'bad_token') return fail(response, 401, 'The resource owner or authorization server denied the request.', undefined, { 'www-authenticate': 'Bearer' });
    const route = /^(?:\/([a-z]{2}(?:-[a-z]{2})?))?\/jsonapi(?:\/([a-z_]+)\/([a-z_]+)(?:\/([0-9a-f-]{36}))?)?\/?$/.exec(url.pathname);
    if (!route) return fail(response, 404, `No route found for "${method} ${url.pathname}"`);
    const [, prefix, entityType, bundleName, uuid] = route;
    const langcode = prefix ?? 'en';
    if (prefix && !languages.has(prefix)) return fail(response, 404, `No route found for "${method} ${url.pathname}"`);
    if (!entityType) {
      if (method !== 'GET') return fail(response, 405, `No route found for "${method} /jsonapi": Method Not Allowed (Allow: GET)`);
      const links: Record<string, { href: string }> = { self: { href: `${base()}/jsonapi` } };
      for (const bundle of bundles) links[resourceType(bundle)] = { href: `${base()}/jsonapi/${bundle.entityType}/${bundle.bundle}` };
      return send(response, 200, { jsonapi: { version: '1.0' }, data: [], links, ...(who === 'user' ? { meta: { links: { me: { meta: { id: userUuid }, href: `${base()}/jsonapi/user/user/${userUuid}` } } } } : {}) });
    }
    if (entityType === 'user' && bundleName === 'user' && uuid) {
      if (uuid !== userUuid) return fail(response, 404, `The "user" parameter was not converted for the path "/jsonapi/user/user/{entity}".`);
      return send(response, 200, { jsonapi: { version: '1.0' }, data: { type: 'user--user', id: userUuid, attributes: { display_name: fake.userName, name: fake.username } } });
    }
    const bundle = bundles.find((candidate) => candidate.entityType === entityType && candidate.bundle === bundleName);
    if (!bundle) return fail(response, 404, `No route found for "${method} ${url.pathname}"`);
    // Anonymous visitors may not see unpublished catalogue content here: core's basic_auth then challenges.
    if (who === 'anonymous') return fail(response, 401, 'No authentication credentials provided.', undefined, { 'www-authenticate': 'Basic realm="Drupal"' });
    if (!uuid) {
      if (method !== 'GET') return fail(response, 405, 'Method Not Allowed');
      return collection(response, url, bundle, langcode);
    }
    const entity = fake.entities.get(uuid);
    if (!entity || entity.bundle !== bundle) return fail(response, 404, `The "${entityType}" parameter was not converted for the path "/jsonapi/${entityType}/${bundleName}/{entity}" (route name: "jsonapi.${resourceType(bundle)}.individual")`);
    if (method === 'GET') return send(response, 200, { jsonapi: { version: '1.0' }, data: resource(entity, entity.translations.has(langcode) ? langcode : 'en') });
    if (method === 'PATCH') return patch(request, response, entity, langcode, url.pathname);
    return fail(response, 405, 'Method Not Allowed');
  }

  const server = http.createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) fail(response, 500, String(error));
      else response.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
