import { z } from 'zod';
import type { Result } from '@/lib/result';
import { text as textInput } from '@/lib/text-input';
import { secretField, storeUrlField } from './input';
import { StoreHttp, fail, record, storeTime, text, type Fail, type Json, type JsonDialect } from './store-http';
import type { Connector, ConnectorError, ConnectorLimits, ImagePage, RemoteImage, StoreAccess } from './types';

/**
 * Drupal, through core's JSON:API module (`application/vnd.api+json`), with core's basic_auth (a user name and
 * password) or a bearer token (simple_oauth). One connection reads one image field of one bundle: an article's
 * `field_image` (node/article), or an image media's `field_media_image` (media/image). Each entity is a
 * product (its title, or a media item's name), each item of its image field a photo; the alt text lives in the
 * relationship's `meta.alt`, beside `drupal_internal__target_id`, title, width and height.
 *
 * - Listing: entities with `changed >= since` (a Unix timestamp: the filter compares the stored value), sorted
 *   by `changed,id`, the image field's files included for their URL, name and type. Drupal pages by offset
 *   and an edit moves an entity to the end of that order, so the cursor is a key (the last `changed` and id
 *   taken) plus an offset within that `changed` second, re-read with a small overlap: an entity edited or
 *   deleted during the sync cannot shift one out of sight. `links.next` says whether more follow.
 * - Writing: the entity is read, its image field's items sent back with the one item's `meta.alt` replaced
 *   (the other items and every other meta value as Drupal answered them), and the answer read back: Drupal 11
 *   applies meta properties only where the field defines them, so an alt that did not stick is an error.
 *   Core JSON:API has no conditional PATCH: an edit of another image of the same entity in the milliseconds
 *   between that read and the PATCH would be overwritten by what was read.
 * - Translations: read and written through the language prefix (/fr/jsonapi/…). Drupal answers a missing
 *   translation's GET with its fallback language, and refuses its PATCH (405): either is "not found", and Loupe
 *   never creates a translation.
 */

export const DRUPAL_LIMITS: ConnectorLimits = {
  // The image field's alt column is a varchar(512).
  maxAltLength: 512,
  concurrency: 4,
  requestsPerSecond: 8,
};

/** Drupal's own ceiling for page[limit]. */
const DRUPAL_PAGE_LIMIT = 50;
const MAX_JSON_BYTES = 8 * 1024 * 1024;
/** Pages of one sync (a million entities); past it, the store is paging forever. */
const MAX_PAGES = 20_000;
/** Items of the cursor's own `changed` second re-read, so an edit or deletion there cannot shift one out of sight. */
const PAGE_OVERLAP = 5;
const MACHINE_NAME = /^[a-z][a-z0-9_]{0,63}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const LANGCODE = /^[a-z]{2,3}(-[a-z0-9]{2,8})?$/;

/** A connection's own settings: which image field of which bundle it reads. */
const drupalSettings = z
  .object({
    entityType: z.string().regex(MACHINE_NAME),
    bundle: z.string().regex(MACHINE_NAME),
    field: z.string().regex(MACHINE_NAME),
  })
  .strict();
type DrupalSettings = z.infer<typeof drupalSettings>;

/**
 * Without a field of its own, a connection reads the Standard install profile's article image (node, article,
 * field_image): present on a fresh Drupal. An image media type is media, image, field_media_image.
 */
const DRUPAL_DEFAULTS: DrupalSettings = { entityType: 'node', bundle: 'article', field: 'field_image' };

const http = new StoreHttp({
  kind: 'drupal',
  limits: DRUPAL_LIMITS,
  speaker: 'Drupal',
  redirect: { subject: 'The site', advice: 'enter the address the site is served at (https, www or not).' },
  privateSite: 'a store',
  maxJsonBytes: MAX_JSON_BYTES,
});

function settingsOf(access: StoreAccess): Result<{ settings: DrupalSettings }, ConnectorError> {
  const parsed = drupalSettings.safeParse(access.settings);
  return parsed.success ? { ok: true, settings: parsed.data } : fail('remote_error', 'The connection’s Drupal settings (entity type, bundle, field) cannot be read; connect the site again.');
}

/** Basic auth (core's basic_auth) with a user name; a bearer token (simple_oauth) without one. */
function authorization(access: StoreAccess): string {
  return access.username === '' ? `Bearer ${access.secret}` : `Basic ${Buffer.from(`${access.username}:${access.secret}`).toString('base64')}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading the answers (hostile: every field checked)

/** The first error of a JSON:API error document, as one line: its detail (or title) and where it points. */
function errorText(json: unknown): string {
  const errors = record(json)?.errors;
  const first = Array.isArray(errors) ? record(errors[0]) : null;
  if (!first) return '';
  const said = text(first.detail, 300) || text(first.title, 100);
  const source = record(first.source);
  const where = text(source?.pointer, 200) || text(source?.parameter, 100);
  return `${said}${where ? ` (at ${where})` : ''}`;
}

/** A JSON:API error answer as the connector's code; `what` says what Loupe was doing ("read node 1f…"). */
function errorAnswer(status: number, json: unknown, what: string): Fail {
  const detail = errorText(json);
  const said = detail ? `: ${detail}` : '';
  switch (status) {
    case 401:
      return fail('unauthorized', `Drupal refused the credentials (401${said}): replace them in the connection.`);
    case 403:
      return fail('forbidden', `The Drupal account may not ${what} (403${said}).`);
    case 404:
      return fail('not_found', `Drupal has nothing there when Loupe tried to ${what} (404${said}).`);
    case 405:
      // A missing translation answers 405 too; callers that PATCH a translation look at that first.
      return fail('forbidden', `Drupal refused to ${what} (405${said}): JSON:API may be read-only; allow all create, read, update and delete operations at /admin/config/services/jsonapi.`);
    case 415:
      return fail('not_platform', `Drupal did not take a JSON:API document to ${what} (415${said}).`);
    case 422:
      return fail('rejected_file', `Drupal refused the change when Loupe tried to ${what} (422${said}).`);
    default:
      return fail('remote_error', `Drupal answered ${status} when Loupe tried to ${what}${said}.`);
  }
}

const jsonApi: JsonDialect = {
  mediaType: 'application/vnd.api+json',
  authorization,
  notJson: (type, status) => `The site answered ${type} rather than JSON:API’s JSON (${status}): is the JSON:API module enabled?`,
  errorDetail: errorText,
};

/** One paced JSON:API call; answers the parsed document for any status, or a failure when it is not JSON. */
function callJson(access: StoreAccess, method: 'GET' | 'PATCH', url: string, body?: object): Promise<Json> {
  return http.callJson(access, jsonApi, method, url, body);
}

function apiUrl(access: StoreAccess, path: string, query: Record<string, string | number> = {}, langcode?: string): string {
  const search = new URLSearchParams(Object.entries(query).map(([key, value]) => [key, String(value)])).toString();
  return `${access.url}${langcode ? `/${langcode}` : ''}/jsonapi${path}${search ? `?${search}` : ''}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Entities and their image items

interface ImageRef {
  /** The file's UUID; Drupal answers "missing" for a reference to a file since deleted. */
  fileUuid: string;
  meta: Record<string, unknown>;
  /** The item as Drupal answered it, sent back unchanged but for meta.alt. */
  raw: Record<string, unknown>;
}

interface Entity {
  uuid: string;
  langcode: string | null;
  title: string;
  handle: string | null;
  changedAt: string;
  changed: number;
  images: ImageRef[];
  /** A single-value field (a media item's image) answers one object, and takes one back. */
  single: boolean;
}

function imageRefs(resource: Record<string, unknown>, field: string): { images: ImageRef[]; single: boolean } | null {
  const relationship = record(record(resource.relationships)?.[field]);
  if (!relationship || !('data' in relationship)) return null;
  const data = relationship.data;
  const single = !Array.isArray(data);
  const items = data === null ? [] : Array.isArray(data) ? data : [data];
  const images: ImageRef[] = [];
  for (const item of items) {
    const raw = record(item);
    const id = text(raw?.id, 100);
    if (!raw || !id) return null;
    images.push({ fileUuid: id, meta: record(raw.meta) ?? {}, raw });
  }
  return { images, single };
}

function entityOf(resource: unknown, settings: DrupalSettings): Entity | null {
  const data = record(resource);
  const uuid = text(data?.id, 100);
  const attributes = record(data?.attributes);
  if (!data || !attributes || !UUID.test(uuid)) return null;
  const changedAt = Date.parse(text(attributes.changed, 100));
  const refs = imageRefs(data, settings.field);
  if (Number.isNaN(changedAt) || !refs) return null;
  return {
    uuid,
    langcode: text(attributes.langcode, 20) || null,
    // Nodes have a title, media items a name.
    title: text(attributes.title, 500) || text(attributes.name, 500),
    handle: text(record(attributes.path)?.alias, 200).replace(/^\//, '') || null,
    changedAt: new Date(changedAt).toISOString(),
    changed: Math.floor(changedAt / 1000),
    ...refs,
  };
}

/** A photo's remote id: the entity's and the file's UUIDs (a file's place in the field can change; its UUID cannot). */
function remoteIdOf(entityUuid: string, fileUuid: string): string {
  return `${entityUuid}:${fileUuid}`;
}

function parseRemoteId(remoteId: string): { entityUuid: string; fileUuid: string } | null {
  const [entityUuid, fileUuid, ...rest] = remoteId.split(':');
  return rest.length === 0 && UUID.test(entityUuid ?? '') && UUID.test(fileUuid ?? '') ? { entityUuid, fileUuid } : null;
}

const resourcePath = (settings: DrupalSettings) => `/${settings.entityType}/${settings.bundle}`;
const resourceType = (settings: DrupalSettings) => `${settings.entityType}--${settings.bundle}`;

/** One entity, only its image field (and what names it), in a language when `langcode` is given. */
async function readEntity(access: StoreAccess, settings: DrupalSettings, entityUuid: string, langcode?: string): Promise<Result<{ entity: Entity }, ConnectorError>> {
  const fields = `${settings.field},title,name,langcode,changed`;
  const answer = await callJson(access, 'GET', apiUrl(access, `${resourcePath(settings)}/${entityUuid}`, { [`fields[${resourceType(settings)}]`]: fields }, langcode));
  if (!answer.ok) return answer;
  if (answer.status !== 200) {
    if (answer.status === 404 && langcode) {
      return fail('not_found', `Drupal has no ${resourceType(settings)} ${entityUuid} at /${langcode}/jsonapi (${errorText(answer.json) || 'not found'}): the entity is gone, or the site has no language with the URL prefix “${langcode}”.`);
    }
    return errorAnswer(answer.status, answer.json, `read ${resourceType(settings)} ${entityUuid}`);
  }
  const entity = entityOf(record(answer.json)?.data, settings);
  if (!entity) return fail('not_platform', `Drupal answered ${resourceType(settings)} ${entityUuid} without its ${settings.field} field or its changed time.`);
  return { ok: true, entity };
}

/** Sets one image item's alt through PATCH and checks the answer kept it. */
async function patchAlt(access: StoreAccess, settings: DrupalSettings, remoteId: string, altText: string, langcode?: string): Promise<Result<{ altText: string }, ConnectorError>> {
  const ids = parseRemoteId(remoteId);
  if (!ids) return fail('not_found', `${remoteId.slice(0, 80)} is not a Drupal image of this connection.`);
  if (altText.length > DRUPAL_LIMITS.maxAltLength) {
    return fail('text_too_long', `The alt text is ${altText.length} characters long; Drupal’s image field keeps at most ${DRUPAL_LIMITS.maxAltLength}.`);
  }
  const read = await readEntity(access, settings, ids.entityUuid, langcode);
  if (!read.ok) return read;
  if (langcode && read.entity.langcode !== langcode) {
    return fail('not_found', `${resourceType(settings)} ${ids.entityUuid} has no “${langcode}” translation (Drupal answered its ${read.entity.langcode ?? 'default'} text instead); Loupe does not create translations: add one in Drupal first.`);
  }
  if (!read.entity.images.some((image) => image.fileUuid === ids.fileUuid)) return fail('not_found', `The image is no longer in ${settings.field} of ${resourceType(settings)} ${ids.entityUuid}.`);
  if (read.entity.images.some((image) => !UUID.test(image.fileUuid))) {
    // Sending the field back would have to drop the dead reference: a change to the content Loupe does not make.
    return fail('rejected_file', `${settings.field} of ${resourceType(settings)} ${ids.entityUuid} refers to a file that was deleted: remove that image in Drupal, then write again.`);
  }
  const items = read.entity.images.map((image) => (image.fileUuid === ids.fileUuid ? { ...image.raw, meta: { ...image.meta, alt: altText } } : image.raw));
  const body = { data: { type: resourceType(settings), id: ids.entityUuid, relationships: { [settings.field]: { data: read.entity.single ? items[0] : items } } } };
  const answer = await callJson(access, 'PATCH', apiUrl(access, `${resourcePath(settings)}/${ids.entityUuid}`, {}, langcode), body);
  if (!answer.ok) return answer;
  if (answer.status !== 200) {
    if (answer.status === 405 && langcode && /translation/i.test(errorText(answer.json))) {
      return fail('not_found', `${resourceType(settings)} ${ids.entityUuid} has no “${langcode}” translation (${errorText(answer.json)}); Loupe does not create translations.`);
    }
    return errorAnswer(answer.status, answer.json, `edit ${resourceType(settings)} ${ids.entityUuid}`);
  }
  const written = entityOf(record(answer.json)?.data, settings);
  if (!written) return fail('not_platform', `Drupal answered the edit of ${resourceType(settings)} ${ids.entityUuid} without its ${settings.field} field.`);
  const item = written.images.find((image) => image.fileUuid === ids.fileUuid);
  const stored = item?.meta.alt;
  if (stored !== altText) {
    // Drupal 11 applies meta properties only where the field defines them: an image field with its alt turned off
    // saves the entity and silently drops the text.
    return fail('remote_error', `Drupal saved ${resourceType(settings)} ${ids.entityUuid} but did not keep the alt text (it answered ${typeof stored === 'string' ? `“${stored.slice(0, 80)}”` : 'none'}): turn on “Enable Alt field” in the settings of ${settings.field}.`);
  }
  return { ok: true, altText: stored };
}

// ---------------------------------------------------------------------------------------------------------------
// Cursor

interface Cursor {
  /** The `changed` (Unix seconds) of the last entity taken; null before the first (then `since` applies). */
  changed: number | null;
  /** Its UUID: entities at or before (changed, id) in the listing's order were taken. */
  id: string;
  /** Entities of that `changed` second taken so far: the offset of the next page within `changed >= cursor.changed`. */
  within: number;
  pages: number;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(raw: string): Cursor | null {
  try {
    const parsed = record(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
    const whole = (value: unknown) => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
    if (!parsed || !(parsed.changed === null || whole(parsed.changed)) || !whole(parsed.within) || !whole(parsed.pages)) return null;
    if (typeof parsed.id !== 'string' || !(parsed.id === '' || UUID.test(parsed.id))) return null;
    return { changed: parsed.changed as number | null, id: parsed.id, within: parsed.within as number, pages: parsed.pages as number };
  } catch {
    return null;
  }
}

/** Whether an entity comes after the cursor in the listing's order (changed, then id). */
function after(entity: Entity, cursor: Cursor): boolean {
  if (cursor.changed === null) return true;
  if (entity.changed !== cursor.changed) return entity.changed > cursor.changed;
  return entity.uuid > cursor.id;
}

function firstCursor(since: string | null): Cursor | null {
  if (since === null) return { changed: null, id: '', within: 0, pages: 0 };
  const at = Date.parse(since);
  // `changed` has whole seconds: ">=" the second of `since` keeps an edit made in that same second.
  return Number.isNaN(at) ? null : { changed: Math.floor(at / 1000), id: '', within: 0, pages: 0 };
}

/** The files a page included, by UUID: their absolute URL, name and type. */
function includedFiles(access: StoreAccess, json: unknown): Map<string, { url: string; filename: string | null; mimeType: string | null }> {
  const files = new Map<string, { url: string; filename: string | null; mimeType: string | null }>();
  const included = record(json)?.included;
  if (!Array.isArray(included)) return files;
  for (const raw of included) {
    const file = record(raw);
    const attributes = record(file?.attributes);
    const id = text(file?.id, 100);
    if (!file || file.type !== 'file--file' || !attributes || !UUID.test(id)) continue;
    const href = text(record(attributes.uri)?.url, 2000);
    let url: string;
    try {
      // Drupal answers a site-relative path (/sites/default/files/…), or an absolute URL from a CDN or S3 module.
      url = new URL(href, `${access.url}/`).toString();
    } catch {
      continue;
    }
    if (!href || !/^https?:$/.test(new URL(url).protocol)) continue;
    files.set(id, { url, filename: text(attributes.filename, 255) || null, mimeType: text(attributes.filemime, 100) || null });
  }
  return files;
}

// ---------------------------------------------------------------------------------------------------------------
// Input: a site address, a user name and password or a token, and the image field to read

/** A form's empty field is an absent one. */
const blankIsAbsent = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema.optional());
const machineName = (what: string, example: string) =>
  blankIsAbsent(textInput().trim().max(64, `Use at most 64 characters for the ${what}.`).regex(MACHINE_NAME, `The ${what} is a Drupal machine name: lowercase letters, digits and underscores (such as ${example}).`));
const credentialFields = {
  username: blankIsAbsent(textInput().trim().max(200, 'Use at most 200 characters for the user name.')),
  password: blankIsAbsent(secretField('password')),
  // simple_oauth's access tokens are JWTs, often over a thousand characters.
  token: blankIsAbsent(secretField('token', 8000)),
};

/** Exactly one way to sign in: a user name with a password (basic_auth), or a token alone (simple_oauth). */
function oneSignIn(fields: { username?: string; password?: string; token?: string }, context: z.RefinementCtx): void {
  if (fields.token !== undefined && (fields.password !== undefined || fields.username !== undefined)) {
    context.addIssue({ code: 'custom', path: ['token'], message: 'Send a user name and password (basic_auth) or a token (simple_oauth), not both.' });
  } else if (fields.token === undefined && fields.password === undefined) {
    context.addIssue({ code: 'custom', path: ['password'], message: 'Enter the Drupal user’s password (with their user name), or a simple_oauth token.' });
  } else if (fields.password !== undefined && fields.username === undefined) {
    context.addIssue({ code: 'custom', path: ['username'], message: 'Enter the Drupal user name that goes with the password.' });
  }
}

const connectInput = z
  .object({
    url: storeUrlField(),
    ...credentialFields,
    entityType: machineName('entity type', 'node or media'),
    bundle: machineName('bundle', 'article or image'),
    field: machineName('image field', 'field_image or field_media_image'),
  })
  .strict()
  .superRefine(oneSignIn);
const credentialsInput = z.object(credentialFields).strict().superRefine(oneSignIn);

function signIn(fields: { username?: string; password?: string; token?: string }): { username: string; secret: string } {
  return fields.token !== undefined ? { username: '', secret: fields.token } : { username: fields.username ?? '', secret: fields.password ?? '' };
}

// ---------------------------------------------------------------------------------------------------------------

export const drupalConnector: Connector = {
  kind: 'drupal',
  label: 'Drupal',
  limits: DRUPAL_LIMITS,
  connectInput,
  accessFrom(input) {
    const fields = connectInput.parse(input);
    const settings: DrupalSettings = {
      entityType: fields.entityType ?? DRUPAL_DEFAULTS.entityType,
      bundle: fields.bundle ?? DRUPAL_DEFAULTS.bundle,
      field: fields.field ?? DRUPAL_DEFAULTS.field,
    };
    return { url: fields.url, ...signIn(fields), settings };
  },
  credentialsInput,
  credentialsFrom(input) {
    return signIn(credentialsInput.parse(input));
  },
  form: {
    connect: [
      { name: 'url', label: 'Site address', hint: 'The Drupal site’s address, e.g. https://www.example.com (JSON:API answers at /jsonapi).' },
      { name: 'username', label: 'User name', optional: true, hint: 'With a password, through the basic_auth module; leave empty with a token.' },
      { name: 'password', label: 'Password', secret: true, optional: true, hint: 'The user’s password. Kept encrypted; never shown again.' },
      { name: 'token', label: 'Token (instead)', secret: true, optional: true, hint: 'A simple_oauth access token, instead of a user name and password.' },
      { name: 'entityType', label: 'Entity type', optional: true, hint: 'node (the default) or media.' },
      { name: 'bundle', label: 'Bundle', optional: true, hint: 'article (the default), or image for media.' },
      { name: 'field', label: 'Image field', optional: true, hint: 'field_image (the default), or field_media_image for media.' },
    ],
    credentials: [
      { name: 'username', label: 'User name', optional: true },
      { name: 'password', label: 'New password', secret: true, optional: true },
      { name: 'token', label: 'New token (instead)', secret: true, optional: true },
    ],
  },

  async verify(access) {
    const parsed = settingsOf(access);
    if (!parsed.ok) return parsed;
    const { settings } = parsed;
    const index = await callJson(access, 'GET', apiUrl(access, ''));
    if (!index.ok) return index;
    if (index.status === 401) return errorAnswer(401, index.json, 'open JSON:API');
    if (index.status === 404) return fail('not_platform', 'The site has no JSON:API at /jsonapi: enable Drupal’s JSON:API module.');
    if (index.status !== 200) return errorAnswer(index.status, index.json, 'open JSON:API');
    const links = record(record(index.json)?.links);
    if (!links) return fail('not_platform', 'The site answered /jsonapi without the links of a JSON:API entry point.');
    // The entry point names the signed-in user; a request Drupal took as anonymous has no `me`.
    const me = text(record(record(record(record(record(index.json)?.meta)?.links)?.me)?.meta)?.id, 100);
    if (!UUID.test(me)) {
      const how = access.username === '' ? 'the token (and that simple_oauth is enabled)' : 'the user name and password (and that the basic_auth module is enabled)';
      return fail('unauthorized', `Drupal took Loupe for an anonymous visitor: check ${how}.`);
    }
    if (!record(links[resourceType(settings)])) {
      return fail('not_found', `Drupal’s JSON:API has no ${resourceType(settings)} resource: check the entity type (${settings.entityType}) and the bundle (${settings.bundle}).`);
    }
    const probe = await callJson(access, 'GET', apiUrl(access, resourcePath(settings), { 'page[limit]': 1, include: settings.field, [`fields[${resourceType(settings)}]`]: settings.field }));
    if (!probe.ok) return probe;
    if (probe.status === 400) return fail('not_found', `${resourceType(settings)} has no image field ${settings.field} (${errorText(probe.json) || 'Drupal refused to include it'}).`);
    if (probe.status !== 200) return errorAnswer(probe.status, probe.json, `list ${resourceType(settings)}`);
    const data = record(probe.json)?.data;
    if (!Array.isArray(data)) return fail('not_platform', `Drupal answered the ${resourceType(settings)} listing without its data.`);
    const sample = record(data[0]);
    if (sample) {
      const refs = imageRefs(sample, settings.field);
      const first = refs?.images[0]?.raw;
      if (!refs || (first && first.type !== 'file--file')) return fail('not_found', `${settings.field} of ${resourceType(settings)} is not an image field (it does not relate file entities).`);
    }
    const user = await callJson(access, 'GET', apiUrl(access, `/user/user/${me}`));
    if (!user.ok) return user;
    const attributes = record(record(user.json)?.data)?.attributes;
    const account = text(record(attributes)?.display_name, 200) || text(record(attributes)?.name, 200) || me;
    return { ok: true, account };
  },

  async listChangedImages(access, { since, cursor: rawCursor }) {
    const parsed = settingsOf(access);
    if (!parsed.ok) return parsed;
    const { settings } = parsed;
    const cursor = rawCursor === null ? firstCursor(since) : decodeCursor(rawCursor);
    if (!cursor) return fail('remote_error', rawCursor === null ? `${since} is not a time.` : 'The sync’s position could not be read; start the sync again.');
    if (cursor.pages >= MAX_PAGES) return fail('remote_error', `The store listed more than ${MAX_PAGES} pages of entities; the sync stopped there.`);
    const query: Record<string, string | number> = {
      sort: 'changed,id',
      'page[limit]': DRUPAL_PAGE_LIMIT,
      'page[offset]': Math.max(0, cursor.within - PAGE_OVERLAP),
      include: settings.field,
    };
    if (cursor.changed !== null) {
      query['filter[since][condition][path]'] = 'changed';
      query['filter[since][condition][operator]'] = '>=';
      query['filter[since][condition][value]'] = cursor.changed;
    }
    const answer = await callJson(access, 'GET', apiUrl(access, resourcePath(settings), query));
    if (!answer.ok) return answer;
    if (answer.status !== 200) return errorAnswer(answer.status, answer.json, `list ${resourceType(settings)}`);
    const data = record(answer.json)?.data;
    if (!Array.isArray(data)) return fail('not_platform', `Drupal answered the ${resourceType(settings)} listing without its data.`);
    const entities = data.map((resource) => entityOf(resource, settings));
    if (entities.some((entity) => entity === null)) return fail('not_platform', `Drupal listed a ${resourceType(settings)} without an id, a changed time or its ${settings.field} field.`);
    const fresh = (entities as Entity[]).filter((entity) => after(entity, cursor));
    const more = record(record(record(answer.json)?.links)?.next) !== null;
    if (more && fresh.length === 0) return fail('remote_error', 'Drupal answered the same page of entities again; the sync stopped so as not to page forever.');
    const files = includedFiles(access, answer.json);
    const images: RemoteImage[] = [];
    for (const entity of fresh) {
      const product = { remoteId: entity.uuid, title: entity.title, sku: null, handle: entity.handle, collection: null };
      const seen = new Set<string>();
      entity.images.forEach((image, position) => {
        const file = files.get(image.fileUuid);
        // A file the account may not view is left out of `included` (Drupal says so in meta.omitted), and a deleted
        // one is "missing": no URL to fetch.
        if (!file || seen.has(image.fileUuid)) return;
        seen.add(image.fileUuid);
        images.push({
          remoteId: remoteIdOf(entity.uuid, image.fileUuid),
          url: file.url,
          altText: text(image.meta.alt, 10_000),
          filename: file.filename,
          mimeType: file.mimeType,
          modifiedAt: entity.changedAt,
          product,
          position,
        });
      });
    }
    const last = fresh.at(-1);
    let next: string | null = null;
    if (more && last) {
      const sameSecond = fresh.filter((entity) => entity.changed === last.changed).length;
      const within = last.changed === cursor.changed ? cursor.within + sameSecond : sameSecond;
      next = encodeCursor({ changed: last.changed, id: last.uuid, within, pages: cursor.pages + 1 });
    }
    const page: ImagePage = { images, next, storeTime: storeTime(answer.headers) };
    return { ok: true, ...page };
  },

  fetchImage(access, image, { maxBytes }) {
    // Credentials go only to the site itself (a private:// file is served through Drupal), never to a CDN.
    const sameSite = new URL(image.url).origin === new URL(access.url).origin;
    return http.fetchImage(access, image, maxBytes, sameSite ? { authorization: authorization(access) } : {});
  },

  async readAlt(access, remoteId) {
    const parsed = settingsOf(access);
    if (!parsed.ok) return parsed;
    const ids = parseRemoteId(remoteId);
    if (!ids) return fail('not_found', `${remoteId.slice(0, 80)} is not a Drupal image of this connection.`);
    const read = await readEntity(access, parsed.settings, ids.entityUuid);
    if (!read.ok) return read;
    const image = read.entity.images.find((item) => item.fileUuid === ids.fileUuid);
    if (!image) return fail('not_found', `The image is no longer in ${parsed.settings.field} of ${resourceType(parsed.settings)} ${ids.entityUuid}.`);
    return { ok: true, altText: text(image.meta.alt, 10_000) };
  },

  async writeAlt(access, remoteId, altText) {
    const parsed = settingsOf(access);
    if (!parsed.ok) return parsed;
    return patchAlt(access, parsed.settings, remoteId, altText);
  },

  async writeAltTranslation(access, remoteId, locale, altText) {
    const parsed = settingsOf(access);
    if (!parsed.ok) return parsed;
    const langcode = locale.toLowerCase();
    if (!LANGCODE.test(langcode)) return fail('not_found', `${locale.slice(0, 20)} is not a Drupal language code.`);
    return patchAlt(access, parsed.settings, remoteId, altText, langcode);
  },
};

/** For tests and the benchmark: pacing figures of one store's host. */
export function drupalPaceStats(url: string) {
  return http.stats(url);
}
