import { createHash, randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import { config } from '@/lib/config';
import { CostBucket, requestStream, systemClock, type Clock, type ThrottleStatus } from '@/lib/outbound';
import type { Result } from '@/lib/result';
import { text as textInput } from '@/lib/text-input';
import { secretField, MAX_STORE_URL_LENGTH } from './input';
import { IMAGE_TIMEOUT_MS, StoreHttp, fail, httpUrl, imageType, record, storeTime, text, type Fail } from './store-http';
import type { BulkAltWrite, Connector, ConnectorError, ConnectorLimits, ImagePage, RemoteImage, StoreAccess } from './types';

/**
 * Shopify, through the GraphQL Admin API at the version SHOPIFY_API_VERSION pins (one setting for every call).
 *
 * - Auth: an Admin API access token (X-Shopify-Access-Token), or a Dev Dashboard app's client id and secret,
 *   exchanged with the client-credentials grant for a token that lives 24 hours. That token is kept in this
 *   process's memory only: each process gets its own (Shopify issues any number), none is written to the
 *   database beside the client secret it comes from, and one lost with a restart costs one token call. It is
 *   renewed ahead of its expiry, and once more on a 401 (the store's clock may run ahead of ours), so a run
 *   never fails on it.
 * - Calls are paced by Shopify's calculated query cost: every answer's `extensions.cost.throttleStatus` says
 *   where the shop's bucket stands, and a call waits for the points it needs (lib/outbound's CostBucket). A
 *   THROTTLED answer waits for the points and retries once; throttled again, the call gives up as rate_limited
 *   (the job retries it later), so THROTTLED never comes twice in a row from one call.
 * - Sync: products (sortKey UPDATED_AT, `updated_at:>'…'` for the changes since the last sync), cursor-paged,
 *   each with its variants' SKUs, its collections and its media; every MediaImage becomes a photo of its product.
 * - Alt text lives on the MediaImage (a File): read with `node`, written with `fileUpdate` (several files per call);
 *   above a size, a bulk operation writes them from a staged JSONL upload. Translations go through
 *   `translatableResource` (the alt text's digest) and `translationsRegister` (key `alt`, per locale).
 */

export const SHOPIFY_LIMITS: ConnectorLimits = {
  // Shopify's own limit for a file's alt text.
  maxAltLength: 512,
  concurrency: 4,
  // The real pace is the query cost's bucket; this only spaces call starts.
  requestsPerSecond: 40,
};

/** The scopes Loupe needs: products (with their media) to read, files to write alt text. */
export const REQUIRED_SCOPES = ['read_products', 'write_files'] as const;
/** Needed to write translated alt text only. */
export const TRANSLATION_SCOPE = 'write_translations';

const MAX_JSON_BYTES = 16 * 1024 * 1024;
/** Products per page: with 50 media, 20 variants and 10 collections each, a page stays under Shopify's 1,000-point cap. */
export const PRODUCTS_PER_PAGE = 5;
const MEDIA_PER_PRODUCT = 50;
export const MAX_PAGES = 20_000;
/** Files per fileUpdate call. */
export const FILES_PER_CALL = 25;
/** Renewed this long before it expires. */
const TOKEN_MARGIN_MS = 10 * 60 * 1000;

const http = new StoreHttp({
  kind: 'shopify',
  limits: SHOPIFY_LIMITS,
  speaker: 'Shopify',
  redirect: { subject: 'The shop', advice: 'enter the shop’s myshopify.com domain.' },
  privateSite: 'a stand-in',
  maxJsonBytes: MAX_JSON_BYTES,
});
let bucket = new CostBucket();
let clock: Clock = systemClock;

/** For tests and the benchmark: the clock token lifetimes and the cost bucket are measured with. */
export function useShopifyClock(next: Clock): void {
  clock = next;
  bucket = new CostBucket(next);
  tokens.clear();
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

// ---------------------------------------------------------------------------------------------------------------
// Input: a shop, and an access token or a client id and secret

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]{0,98}\.myshopify\.com$/i;

const shop = textInput()
  .trim()
  .min(1, 'Enter the shop’s domain (name.myshopify.com) or its base URL.')
  .max(MAX_STORE_URL_LENGTH, `Use at most ${MAX_STORE_URL_LENGTH} characters for the shop.`)
  .refine((value) => SHOP_DOMAIN.test(value) || /^https?:\/\//i.test(value), 'Enter the shop’s domain as name.myshopify.com, or a full base URL starting with https://.');
const accessToken = secretField('Admin API access token');
const clientId = textInput().trim().min(1, 'Enter the app’s client id.').max(200, 'Use at most 200 characters for the client id.');
const clientSecret = secretField('client secret');

const credentialShape = { accessToken: accessToken.optional(), clientId: clientId.optional(), clientSecret: clientSecret.optional() };

/** One way in: a token, or a client id with its secret; never both, never half of the second. */
function oneWayIn(fields: { accessToken?: string; clientId?: string; clientSecret?: string }, ctx: z.RefinementCtx): void {
  const client = fields.clientId !== undefined || fields.clientSecret !== undefined;
  if (fields.accessToken !== undefined && client) {
    ctx.addIssue({ code: 'custom', path: ['accessToken'], message: 'Send an access token or a client id and secret, not both.' });
  } else if (fields.accessToken === undefined && !client) {
    ctx.addIssue({ code: 'custom', path: ['accessToken'], message: 'Enter the Admin API access token, or the app’s client id and client secret.' });
  } else if (client && fields.clientId === undefined) {
    ctx.addIssue({ code: 'custom', path: ['clientId'], message: 'Enter the client id that goes with the client secret.' });
  } else if (client && fields.clientSecret === undefined) {
    ctx.addIssue({ code: 'custom', path: ['clientSecret'], message: 'Enter the client secret that goes with the client id.' });
  }
}

const connectInput = z.object({ shop, ...credentialShape }).strict().superRefine(oneWayIn);
const credentialsInput = z.object(credentialShape).strict().superRefine(oneWayIn);

type Secret = { accessToken: string } | { clientId: string; clientSecret: string };

/** The one stored secret: the token, or the client id and secret, JSON-encoded. */
function sealable(fields: { accessToken?: string; clientId?: string; clientSecret?: string }): { username: string; secret: string } {
  if (fields.accessToken !== undefined) return { username: 'Admin API access token', secret: JSON.stringify({ accessToken: fields.accessToken } satisfies Secret) };
  return { username: fields.clientId ?? '', secret: JSON.stringify({ clientId: fields.clientId ?? '', clientSecret: fields.clientSecret ?? '' } satisfies Secret) };
}

function secretOf(access: StoreAccess): Secret | null {
  try {
    const parsed = record(JSON.parse(access.secret));
    if (typeof parsed?.accessToken === 'string') return { accessToken: parsed.accessToken };
    if (typeof parsed?.clientId === 'string' && typeof parsed.clientSecret === 'string') return { clientId: parsed.clientId, clientSecret: parsed.clientSecret };
  } catch {
    return null;
  }
  return null;
}

/** `name.myshopify.com` is reached over https; a full base URL (a proxy, a stand-in) as it is. */
function shopUrl(value: string): string {
  return SHOP_DOMAIN.test(value) ? `https://${value.toLowerCase()}` : value;
}

function json(answer: { body: Buffer }): unknown {
  try {
    return JSON.parse(answer.body.toString('utf8'));
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Tokens

const tokens = new Map<string, { token: string; expiresAt: number }>();

function tokenKey(access: StoreAccess, secret: { clientId: string; clientSecret: string }): string {
  return createHash('sha256').update(`${access.url}\u0000${secret.clientId}\u0000${secret.clientSecret}`).digest('hex');
}

/** The client-credentials grant: a token for 24 hours (expires_in says how long). */
async function grantToken(access: StoreAccess, secret: { clientId: string; clientSecret: string }): Promise<Result<{ token: string }, ConnectorError>> {
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: secret.clientId, client_secret: secret.clientSecret });
  const answer = await http.send(access, 'POST', `${access.url}/admin/oauth/access_token`, { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, form.toString(), 64 * 1024);
  if (!answer.ok) return answer;
  const body = record(json(answer));
  if (answer.status === 400 || answer.status === 401 || answer.status === 403) {
    const reason = text(body?.error_description ?? body?.error ?? body?.errors, 300);
    return fail('unauthorized', `Shopify refused the client id and secret${reason ? ` (${reason})` : ''}: check them in the app’s settings in the Dev Dashboard, and that the app is installed on this shop.`);
  }
  if (answer.status === 404) return fail('not_platform', `${access.url} has no Shopify token endpoint (/admin/oauth/access_token): check the shop’s domain.`);
  if (answer.status === 429) return fail('rate_limited', 'Shopify asked Loupe to slow down while granting a token.');
  if (answer.status !== 200) return fail('remote_error', `Shopify answered ${answer.status} when asked for a token.`);
  const token = text(body?.access_token, 1000);
  const expiresIn = Number(body?.expires_in);
  if (!token) return fail('not_platform', 'The shop’s token endpoint answered without an access token.');
  const lifetimeMs = Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn * 1000 : 24 * 60 * 60 * 1000;
  tokens.set(tokenKey(access, secret), { token, expiresAt: clock.now() + lifetimeMs });
  return { ok: true, token };
}

/** The token to call with: the stored one, or one from the grant (kept until shortly before it expires). */
async function tokenFor(access: StoreAccess, renew: boolean): Promise<Result<{ token: string; renewable: boolean }, ConnectorError>> {
  const secret = secretOf(access);
  if (!secret) return fail('unauthorized', 'The stored Shopify credentials cannot be read: replace them on the connection.');
  if ('accessToken' in secret) return { ok: true, token: secret.accessToken, renewable: false };
  const known = tokens.get(tokenKey(access, secret));
  if (!renew && known && known.expiresAt - TOKEN_MARGIN_MS > clock.now()) return { ok: true, token: known.token, renewable: true };
  const granted = await grantToken(access, secret);
  return granted.ok ? { ok: true, token: granted.token, renewable: true } : granted;
}

// ---------------------------------------------------------------------------------------------------------------
// GraphQL

interface Operation {
  name: string;
  query: string;
  /** What the call is expected to cost before Shopify has said (then its requestedQueryCost is used). */
  cost: number;
  /**
   * For a query whose cost follows its variables (nodes: a point an id): the cost of this call, booked as it
   * is and never learned, so a short last page does not make the next full one look cheap (a THROTTLED answer).
   */
  costOf?: (variables: Record<string, unknown>) => number;
}

const learnedCosts = new Map<string, number>();

type GraphqlAnswer = { ok: true; data: Record<string, unknown>; headers: IncomingHttpHeaders } | Fail;

function graphqlUrl(access: StoreAccess): string {
  return `${access.url}/admin/api/${config().connections.shopifyApiVersion}/graphql.json`;
}

function throttleStatusOf(body: Record<string, unknown> | null): { status: ThrottleStatus; requested: number; actual: number } | null {
  const cost = record(record(body?.extensions)?.cost);
  const status = record(cost?.throttleStatus);
  const numbers = [status?.maximumAvailable, status?.currentlyAvailable, status?.restoreRate].map(Number);
  if (!status || numbers.some((value) => !Number.isFinite(value) || value < 0)) return null;
  const requested = Number(cost?.requestedQueryCost);
  const actual = Number(cost?.actualQueryCost);
  return {
    status: { maximumAvailable: numbers[0], currentlyAvailable: numbers[1], restoreRate: numbers[2] },
    requested: Number.isFinite(requested) ? requested : 0,
    actual: Number.isFinite(actual) ? actual : 0,
  };
}

function errorCodes(body: Record<string, unknown> | null): { codes: string[]; messages: string[] } {
  const errors = list(body?.errors).map(record);
  return {
    codes: errors.map((error) => text(record(error?.extensions)?.code, 100)),
    messages: errors.map((error) => text(error?.message, 300)).filter(Boolean),
  };
}

/**
 * One GraphQL call: a token (renewed once on a 401 when it came from the grant), the points it needs from the
 * shop's bucket, and a second try after a THROTTLED once the points are back; never a third.
 */
async function graphql(access: StoreAccess, operation: Operation, variables: Record<string, unknown>): Promise<GraphqlAnswer> {
  const key = http.paceKey(access.url);
  let renewed = false;
  let throttledOnce = false;
  for (;;) {
    const token = await tokenFor(access, false);
    if (!token.ok) return token;
    const cost = operation.costOf?.(variables) ?? learnedCosts.get(operation.name) ?? operation.cost;
    const booking = await bucket.take(key, cost, access.signal).catch(() => null);
    if (!booking) return fail('unreachable', 'The call was stopped before it was sent.');
    const answer = await http.send(access, 'POST', graphqlUrl(access), { 'content-type': 'application/json', accept: 'application/json', 'x-shopify-access-token': token.token }, JSON.stringify({ query: operation.query, variables }));
    const body = answer.ok && answer.status === 200 && !answer.cut ? record(json(answer)) : null;
    const costs = throttleStatusOf(body);
    booking.settle(costs ? { status: costs.status, spent: costs.actual } : undefined);
    if (costs && costs.requested > 0 && !operation.costOf) learnedCosts.set(operation.name, costs.requested);
    if (!answer.ok) return answer;
    if (answer.status === 401) {
      if (token.renewable && !renewed) {
        renewed = true;
        const again = await tokenFor(access, true);
        if (!again.ok) return again;
        continue;
      }
      return fail('unauthorized', token.renewable ? 'Shopify refused a token it had just granted: check the app is still installed on the shop.' : 'Shopify refused the Admin API access token (401): it was revoked or mistyped; replace it on the connection.');
    }
    if (answer.status === 402) return fail('forbidden', 'The shop is frozen (402 Payment Required): its plan must be paid before Loupe can use it.');
    if (answer.status === 403) return fail('forbidden', 'Shopify refused the call (403): the app lacks a scope it needs, or the shop is closed.');
    if (answer.status === 404) return fail('not_platform', `${access.url} has no Shopify Admin API at /admin/api/${config().connections.shopifyApiVersion}/graphql.json: check the shop’s domain (and SHOPIFY_API_VERSION).`);
    if (answer.status === 423) return fail('forbidden', 'The shop is locked (423).');
    if (answer.status === 429) return fail('rate_limited', 'Shopify asked Loupe to slow down (429).', 1000);
    if (answer.status >= 500) return fail('remote_error', `Shopify failed (${answer.status}).`);
    if (answer.cut) return fail('remote_error', 'Shopify’s answer was cut off or too large to read.');
    if (!body || answer.status !== 200) return fail('not_platform', `The address answered ${answer.status} without the GraphQL Admin API’s JSON.`);
    const { codes, messages } = errorCodes(body);
    if (codes.includes('THROTTLED')) {
      bucket.throttled(key);
      const waitMs = bucket.waitMs(key, costs?.requested || cost);
      if (throttledOnce) return fail('rate_limited', 'Shopify throttled the call twice: its query-cost budget is used by another app; Loupe tries again later.', Math.max(waitMs, 1000));
      throttledOnce = true;
      if (waitMs > 0) {
        const waited = await clock.sleep(waitMs, access.signal).then(
          () => true,
          () => false,
        );
        if (!waited) return fail('unreachable', 'The call was stopped while waiting for Shopify’s query budget.');
      }
      continue;
    }
    if (codes.includes('ACCESS_DENIED')) return fail('forbidden', `Shopify denied access: ${messages.join('; ') || 'a scope is missing'}.`);
    if (codes.includes('MAX_COST_EXCEEDED')) return fail('remote_error', `Shopify refused the query as too costly: ${messages.join('; ')}`);
    if (messages.length) return fail('remote_error', `Shopify answered with errors: ${messages.join('; ')}`);
    const data = record(body.data);
    if (!data) return fail('not_platform', 'Shopify answered without data.');
    return { ok: true, data, headers: answer.headers };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Operations

const VERIFY: Operation = {
  name: 'LoupeVerify',
  query: 'query LoupeVerify { shop { name myshopifyDomain } currentAppInstallation { accessScopes { handle } } }',
  cost: 3,
};

const PRODUCTS: Operation = {
  name: 'LoupeProducts',
  query: `query LoupeProducts($first: Int!, $after: String, $query: String, $media: Int!) {
  products(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id title handle updatedAt
      variants(first: 20) { nodes { sku } }
      collections(first: 10) { nodes { title } }
      media(first: $media) { nodes { id mediaContentType status alt ... on MediaImage { mimeType image { url } } } }
    }
  }
}`,
  cost: 650,
};

const MEDIA_ALT: Operation = {
  name: 'LoupeMediaAlt',
  query: 'query LoupeMediaAlt($id: ID!) { node(id: $id) { id ... on MediaImage { alt status } } }',
  cost: 1,
};

/** nodes(ids:) costs a point an id; 100 a call stays far under the 1,000 points one query may cost. */
const MEDIA_ALTS: Operation = {
  name: 'LoupeMediaAlts',
  query: 'query LoupeMediaAlts($ids: [ID!]!) { nodes(ids: $ids) { id ... on MediaImage { alt status } } }',
  cost: 100,
  costOf: (variables) => (Array.isArray(variables.ids) ? variables.ids.length : 100),
};
export const IDS_PER_READ = 100;

const FILE_UPDATE_MUTATION = 'mutation LoupeFileUpdate($files: [FileUpdateInput!]!) { fileUpdate(files: $files) { files { id alt fileStatus } userErrors { field message code } } }';
const FILE_UPDATE: Operation = { name: 'LoupeFileUpdate', query: FILE_UPDATE_MUTATION, cost: 10 };

const STAGED_UPLOAD: Operation = {
  name: 'LoupeStagedUpload',
  query: 'mutation LoupeStagedUpload($input: [StagedUploadInput!]!) { stagedUploadsCreate(input: $input) { stagedTargets { url resourceUrl parameters { name value } } userErrors { field message } } }',
  cost: 10,
};

const BULK_RUN: Operation = {
  name: 'LoupeBulkRun',
  query: 'mutation LoupeBulkRun($mutation: String!, $path: String!) { bulkOperationRunMutation(mutation: $mutation, stagedUploadPath: $path) { bulkOperation { id status } userErrors { field message code } } }',
  cost: 10,
};

const BULK_STATUS: Operation = {
  name: 'LoupeBulkStatus',
  query: 'query LoupeBulkStatus($id: ID!) { node(id: $id) { id ... on BulkOperation { status errorCode objectCount url partialDataUrl } } }',
  cost: 1,
};

const TRANSLATABLE: Operation = {
  name: 'LoupeTranslatable',
  query: 'query LoupeTranslatable($id: ID!) { translatableResource(resourceId: $id) { resourceId translatableContent { key value digest locale } } }',
  cost: 3,
};

const TRANSLATIONS_REGISTER: Operation = {
  name: 'LoupeTranslationsRegister',
  query:
    'mutation LoupeTranslationsRegister($id: ID!, $translations: [TranslationInput!]!) { translationsRegister(resourceId: $id, translations: $translations) { translations { key value locale } userErrors { field message code } } }',
  cost: 10,
};

const MEDIA_IMAGE_ID = /^gid:\/\/shopify\/MediaImage\/\d{1,20}$/;

function notMediaImage(remoteId: string): Fail {
  return fail('not_found', `${remoteId.slice(0, 60)} is not a Shopify MediaImage id.`);
}

// ---------------------------------------------------------------------------------------------------------------
// Reading products

function isoTime(value: unknown): string | null {
  const at = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isNaN(at) ? null : new Date(at).toISOString();
}

function imagesOf(productValue: unknown): RemoteImage[] | null {
  const product = record(productValue);
  const productId = text(product?.id, 200);
  const modifiedAt = isoTime(product?.updatedAt);
  if (!product || !productId || !modifiedAt) return null;
  const skus = [...new Set(list(record(product.variants)?.nodes).map((variant) => text(record(variant)?.sku, 200)).filter(Boolean))];
  const collections = list(record(product.collections)?.nodes).map((collection) => text(record(collection)?.title, 200)).filter(Boolean);
  const remoteProduct = {
    remoteId: productId,
    title: text(product.title, 500),
    sku: skus.length ? skus.join(', ') : null,
    handle: text(product.handle, 200) || null,
    collection: collections.length ? collections.join(', ') : null,
  };
  const images: RemoteImage[] = [];
  list(record(product.media)?.nodes).forEach((mediaValue, position) => {
    const media = record(mediaValue);
    const id = text(media?.id, 200);
    // Videos and 3D models have no alt text Loupe writes; an image still processing has no URL yet (next sync).
    if (!media || media.mediaContentType !== 'IMAGE' || !MEDIA_IMAGE_ID.test(id) || media.status === 'FAILED') return;
    const url = httpUrl(record(media.image)?.url);
    if (!url) return;
    images.push({
      remoteId: id,
      url,
      altText: text(media.alt, 10_000),
      filename: new URL(url).pathname.split('/').pop() || null,
      mimeType: text(media.mimeType, 100) || null,
      modifiedAt,
      product: remoteProduct,
      position,
    });
  });
  return images;
}

interface Cursor {
  after: string | null;
  pages: number;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(raw: string | null): Cursor | null {
  if (raw === null) return { after: null, pages: 0 };
  try {
    const parsed = record(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
    const after = parsed?.after;
    const pages = parsed?.pages;
    if (!(after === null || (typeof after === 'string' && after.length <= 2000)) || typeof pages !== 'number' || !Number.isSafeInteger(pages) || pages < 0) return null;
    return { after, pages };
  } catch {
    return null;
  }
}

/** Shopify's search syntax; one second back keeps a change made in the since's own second (the filter is strict). */
function updatedSince(since: string): string | null {
  const at = Date.parse(since);
  if (Number.isNaN(at)) return null;
  return `updated_at:>'${new Date(at - 1000).toISOString().replace(/\.\d{3}Z$/, 'Z')}'`;
}

// ---------------------------------------------------------------------------------------------------------------
// Writing

type ItemOutcome = Result<{ altText: string }, ConnectorError>;

function fileError(code: string, message: string, remoteId: string): ConnectorError {
  switch (code) {
    case 'NON_READY_STATE':
      // Shopify is still processing the file: the job tries again later.
      return { code: 'remote_error', message: `Shopify is still processing image ${remoteId} (not READY): Loupe writes it later.` };
    case 'FILE_DOES_NOT_EXIST':
      return { code: 'not_found', message: `Shopify has no file ${remoteId} any more.` };
    case 'ALT_VALUE_LIMIT_EXCEEDED':
      return { code: 'text_too_long', message: `Shopify refused the alt text of ${remoteId} as too long (at most ${SHOPIFY_LIMITS.maxAltLength} characters).` };
    default:
      return { code: 'remote_error', message: `Shopify refused the alt text of ${remoteId}: ${message || code || 'no reason given'}.` };
  }
}

/** fileUpdate's answer, per file: its userErrors point at `files.<index>…`. */
function fileUpdateOutcomes(payloadValue: unknown, items: readonly { remoteId: string; altText: string }[]): Map<string, ItemOutcome> {
  const payload = record(payloadValue);
  const outcomes = new Map<string, ItemOutcome>();
  const general: ConnectorError[] = [];
  for (const errorValue of list(payload?.userErrors)) {
    const error = record(errorValue);
    const field = list(error?.field).map(String);
    const index = field[0] === 'files' ? Number(field[1]) : Number.NaN;
    const item = Number.isSafeInteger(index) ? items[index] : undefined;
    if (item) outcomes.set(item.remoteId, { ok: false, ...fileError(text(error?.code, 100), text(error?.message, 300), item.remoteId) });
    else general.push(fileError(text(error?.code, 100), text(error?.message, 300), 'these images'));
  }
  const files = new Map(list(payload?.files).map((fileValue) => [text(record(fileValue)?.id, 200), record(fileValue)] as const));
  for (const item of items) {
    if (outcomes.has(item.remoteId)) continue;
    const file = files.get(item.remoteId);
    if (general.length) outcomes.set(item.remoteId, { ok: false, ...general[0] });
    else if (!file) outcomes.set(item.remoteId, { ok: false, code: 'not_platform', message: `Shopify answered fileUpdate without file ${item.remoteId}.` });
    else outcomes.set(item.remoteId, { ok: true, altText: text(file.alt, 10_000) });
  }
  return outcomes;
}

function tooLong(altText: string): ConnectorError | null {
  return altText.length > SHOPIFY_LIMITS.maxAltLength
    ? { code: 'text_too_long', message: `The alt text is ${altText.length} characters long; Shopify keeps at most ${SHOPIFY_LIMITS.maxAltLength}.` }
    : null;
}

/** Several files per fileUpdate call; each file answers on its own (a refused one does not fail the others). */
async function writeAlts(access: StoreAccess, items: readonly { remoteId: string; altText: string }[]): Promise<Result<{ outcomes: Map<string, ItemOutcome> }, ConnectorError>> {
  const outcomes = new Map<string, ItemOutcome>();
  const sendable: { remoteId: string; altText: string }[] = [];
  for (const item of items) {
    const problem = !MEDIA_IMAGE_ID.test(item.remoteId) ? notMediaImage(item.remoteId) : tooLong(item.altText);
    if (problem) outcomes.set(item.remoteId, { ok: false, code: problem.code, message: problem.message });
    else sendable.push(item);
  }
  for (let start = 0; start < sendable.length; start += FILES_PER_CALL) {
    const chunk = sendable.slice(start, start + FILES_PER_CALL);
    const answer = await graphql(access, FILE_UPDATE, { files: chunk.map((item) => ({ id: item.remoteId, alt: item.altText })) });
    if (!answer.ok) {
      // A call-wide failure (credentials, the store down) is the whole batch's; what was written stays written.
      if (outcomes.size === items.length - sendable.length && start === 0) return answer;
      for (const item of sendable.slice(start)) outcomes.set(item.remoteId, { ok: false, code: answer.code, message: answer.message, ...(answer.retryAfterMs ? { retryAfterMs: answer.retryAfterMs } : {}) });
      break;
    }
    for (const [remoteId, outcome] of fileUpdateOutcomes(answer.data.fileUpdate, chunk)) outcomes.set(remoteId, outcome);
  }
  return { ok: true, outcomes };
}

// ---------------------------------------------------------------------------------------------------------------
// Bulk operations: a staged JSONL file of fileUpdate variables, one mutation run over it by Shopify

function multipart(parameters: { name: string; value: string }[], file: Buffer, filename: string): { body: Buffer; contentType: string } {
  const boundary = `loupe-${randomBytes(12).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const parameter of parameters) parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="${parameter.name.replace(/["\r\n]/g, '')}"\r\n\r\n${parameter.value}\r\n`));
  parts.push(Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${filename}"\r\ncontent-type: text/jsonl\r\n\r\n`), file, Buffer.from(`\r\n--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

async function startBulkWrite(access: StoreAccess, items: readonly { remoteId: string; altText: string }[]): Promise<Result<{ operationId: string; refused: Map<string, ConnectorError> }, ConnectorError>> {
  const refused = new Map<string, ConnectorError>();
  const lines: string[] = [];
  for (const item of items) {
    const problem = !MEDIA_IMAGE_ID.test(item.remoteId) ? notMediaImage(item.remoteId) : tooLong(item.altText);
    if (problem) refused.set(item.remoteId, { code: problem.code, message: problem.message });
    else lines.push(JSON.stringify({ files: [{ id: item.remoteId, alt: item.altText }] }));
  }
  if (!lines.length) return fail('remote_error', 'None of the texts can be sent to Shopify.');
  const staged = await graphql(access, STAGED_UPLOAD, { input: [{ resource: 'BULK_MUTATION_VARIABLES', filename: 'loupe-alt.jsonl', mimeType: 'text/jsonl', httpMethod: 'POST' }] });
  if (!staged.ok) return staged;
  const payload = record(staged.data.stagedUploadsCreate);
  const stagedErrors = list(payload?.userErrors).map((error) => text(record(error)?.message, 300));
  const target = record(list(payload?.stagedTargets)[0]);
  const uploadUrl = httpUrl(target?.url);
  const parameters = list(target?.parameters).map((parameter) => ({ name: text(record(parameter)?.name, 200), value: text(record(parameter)?.value, 4000) }));
  const path = parameters.find((parameter) => parameter.name === 'key')?.value;
  if (stagedErrors.length || !uploadUrl || !path) return fail('remote_error', `Shopify gave no upload target for the bulk file${stagedErrors.length ? `: ${stagedErrors.join('; ')}` : ''}.`);
  const upload = multipart(parameters, Buffer.from(`${lines.join('\n')}\n`), 'loupe-alt.jsonl');
  const uploaded = await http.send(access, 'POST', uploadUrl, { 'content-type': upload.contentType }, upload.body, 64 * 1024);
  if (!uploaded.ok) return uploaded;
  if (uploaded.status < 200 || uploaded.status >= 300) return fail('remote_error', `The bulk file’s upload was refused (${uploaded.status}).`);
  const run = await graphql(access, BULK_RUN, { mutation: FILE_UPDATE_MUTATION, path });
  if (!run.ok) return run;
  const runPayload = record(run.data.bulkOperationRunMutation);
  const runErrors = list(runPayload?.userErrors).map((error) => text(record(error)?.message, 300));
  const operationId = text(record(runPayload?.bulkOperation)?.id, 200);
  if (runErrors.length || !operationId) return fail('remote_error', `Shopify did not start the bulk operation${runErrors.length ? `: ${runErrors.join('; ')}` : ''}.`);
  return { ok: true, operationId, refused };
}

async function bulkWriteStatus(access: StoreAccess, operationId: string, items: readonly { remoteId: string; altText: string }[]): Promise<Result<BulkAltWrite, ConnectorError>> {
  const answer = await graphql(access, BULK_STATUS, { id: operationId });
  if (!answer.ok) return answer;
  const operation = record(answer.data.node);
  if (!operation) return fail('not_found', `Shopify has no bulk operation ${operationId.slice(0, 100)}.`);
  const status = text(operation.status, 50);
  if (status === 'CREATED' || status === 'RUNNING' || status === 'CANCELING') return { ok: true, status: 'running' };
  if (status !== 'COMPLETED') return fail('remote_error', `Shopify’s bulk operation ended ${status.toLowerCase() || 'unknown'}${operation.errorCode ? ` (${text(operation.errorCode, 100)})` : ''}.`);
  const outcomes = new Map<string, ItemOutcome>();
  // Sent in the same order as `items`, less the ones refused before sending: a result line names its input line.
  const sent = items.filter((item) => MEDIA_IMAGE_ID.test(item.remoteId) && !tooLong(item.altText));
  const resultUrl = httpUrl(operation.url);
  if (resultUrl) {
    const results = await http.send(access, 'GET', resultUrl, { accept: 'application/jsonl' });
    if (!results.ok) return results;
    if (results.status !== 200 || results.cut) return fail('remote_error', `Shopify’s bulk results could not be read (${results.status}).`);
    for (const line of results.body.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      let parsed: Record<string, unknown> | null;
      try {
        parsed = record(JSON.parse(line));
      } catch {
        continue;
      }
      const item = sent[Number(parsed?.__lineNumber)];
      if (!item) continue;
      const outcome = fileUpdateOutcomes(record(parsed?.data)?.fileUpdate, [item]).get(item.remoteId);
      if (outcome) outcomes.set(item.remoteId, outcome);
    }
  }
  for (const item of sent) {
    if (!outcomes.has(item.remoteId)) outcomes.set(item.remoteId, { ok: false, code: 'remote_error', message: `Shopify’s bulk results say nothing of ${item.remoteId}.` });
  }
  return { ok: true, status: 'done', outcomes };
}

// ---------------------------------------------------------------------------------------------------------------

const LOCALE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

export const shopifyConnector: Connector = {
  kind: 'shopify',
  label: 'Shopify',
  limits: SHOPIFY_LIMITS,
  connectInput,
  accessFrom(input) {
    const fields = connectInput.parse(input);
    return { url: shopUrl(fields.shop), ...sealable(fields), settings: {} };
  },
  credentialsInput,
  credentialsFrom(input) {
    return sealable(credentialsInput.parse(input));
  },
  form: {
    connect: [
      { name: 'shop', label: 'Shop', hint: 'Its myshopify.com domain, e.g. linen-co.myshopify.com.' },
      { name: 'accessToken', label: 'Admin API access token', secret: true, optional: true, hint: 'An existing custom app’s token (shpat_…). Or leave it empty and give a client id and secret.' },
      { name: 'clientId', label: 'Client id', optional: true, hint: 'A Dev Dashboard app installed on the shop (Settings → Client credentials).' },
      { name: 'clientSecret', label: 'Client secret', secret: true, optional: true, hint: 'Kept encrypted; never shown again.' },
    ],
    credentials: [
      { name: 'accessToken', label: 'New Admin API access token', secret: true, optional: true },
      { name: 'clientId', label: 'Client id', optional: true },
      { name: 'clientSecret', label: 'New client secret', secret: true, optional: true },
    ],
  },

  async verify(access) {
    const answer = await graphql(access, VERIFY, {});
    if (!answer.ok) return answer;
    const shopData = record(answer.data.shop);
    const installation = record(answer.data.currentAppInstallation);
    if (!shopData || !installation) return fail('not_platform', 'Shopify answered without the shop or the app’s installation.');
    const granted = new Set(list(installation.accessScopes).map((scope) => text(record(scope)?.handle, 100)));
    // A write scope includes its read scope.
    const has = (scope: string) => granted.has(scope) || (scope.startsWith('read_') && granted.has(`write_${scope.slice(5)}`));
    const missing = REQUIRED_SCOPES.filter((scope) => !has(scope));
    const account = text(shopData.myshopifyDomain, 200) || text(shopData.name, 200);
    if (missing.length) return fail('forbidden', `The app on ${account} lacks the scopes ${missing.join(', ')} (it has ${[...granted].join(', ') || 'none'}): add them to the app, then reinstall it on the shop.`);
    return { ok: true, account };
  },

  async listChangedImages(access, { since, cursor: rawCursor }) {
    const cursor = decodeCursor(rawCursor);
    if (!cursor) return fail('remote_error', 'The sync’s position could not be read; start the sync again.');
    if (cursor.pages >= MAX_PAGES) return fail('remote_error', `The shop listed more than ${MAX_PAGES} pages of products; the sync stopped there.`);
    const query = since === null ? null : updatedSince(since);
    if (since !== null && query === null) return fail('remote_error', `${since} is not a time.`);
    const answer = await graphql(access, PRODUCTS, { first: PRODUCTS_PER_PAGE, after: cursor.after, query, media: MEDIA_PER_PRODUCT });
    if (!answer.ok) return answer;
    const products = record(answer.data.products);
    const pageInfo = record(products?.pageInfo);
    if (!products || !pageInfo || !Array.isArray(products.nodes)) return fail('not_platform', 'Shopify answered products without nodes or pageInfo.');
    const images: RemoteImage[] = [];
    for (const product of products.nodes) {
      const found = imagesOf(product);
      if (!found) return fail('not_platform', 'Shopify listed a product without an id or an updatedAt.');
      images.push(...found);
    }
    const endCursor = text(pageInfo.endCursor, 2000);
    const more = pageInfo.hasNextPage === true;
    if (more && (!endCursor || endCursor === cursor.after)) return fail('remote_error', 'Shopify answered the same page of products again; the sync stopped so as not to page forever.');
    const page: ImagePage = { images, next: more ? encodeCursor({ after: endCursor, pages: cursor.pages + 1 }) : null, storeTime: storeTime(answer.headers) };
    return { ok: true, ...page };
  },

  async fetchImage(access, image, { maxBytes }) {
    // Shopify's files are public on its CDN: no token with the download.
    const answer = await requestStream({ method: 'GET', url: image.url, headers: { accept: 'image/*' } }, { timeoutMs: IMAGE_TIMEOUT_MS, allowPrivate: access.allowPrivate, maxBytes, signal: access.signal });
    if (!answer.ok) return http.transportFailure(answer, image.url);
    const refuse = (result: Fail) => {
      answer.body.destroy();
      return result;
    };
    if (answer.status === 404 || answer.status === 410) return refuse(fail('not_found', `Shopify no longer has the file of image ${image.remoteId} (${answer.status}).`));
    if (answer.status === 429) return refuse(fail('rate_limited', 'Shopify’s CDN asked Loupe to slow down (429).', answer.retryAfterMs));
    if (answer.status !== 200) return refuse(fail('remote_error', `Shopify answered ${answer.status} for the file of image ${image.remoteId}.`));
    const type = imageType(answer, image.remoteId);
    if (!type.ok) return refuse(type);
    return { ok: true, body: answer.body, contentType: type.contentType };
  },

  async readAlt(access, remoteId) {
    if (!MEDIA_IMAGE_ID.test(remoteId)) return notMediaImage(remoteId);
    const answer = await graphql(access, MEDIA_ALT, { id: remoteId });
    if (!answer.ok) return answer;
    const node = record(answer.data.node);
    if (!node) return fail('not_found', `Shopify has no image ${remoteId} any more.`);
    return { ok: true, altText: text(node.alt, 10_000) };
  },

  async readAlts(access, remoteIds) {
    const alts = new Map<string, ItemOutcome>();
    const readable = remoteIds.filter((remoteId) => {
      if (MEDIA_IMAGE_ID.test(remoteId)) return true;
      alts.set(remoteId, notMediaImage(remoteId));
      return false;
    });
    for (let start = 0; start < readable.length; start += IDS_PER_READ) {
      const ids = readable.slice(start, start + IDS_PER_READ);
      const answer = await graphql(access, MEDIA_ALTS, { ids });
      if (!answer.ok) return answer;
      // One entry per id asked, in order; null where the shop has no such node (deleted).
      const nodes = list(answer.data.nodes);
      ids.forEach((id, index) => {
        const node = record(nodes[index]);
        alts.set(id, node && text(node.id, 200) === id ? { ok: true, altText: text(node.alt, 10_000) } : fail('not_found', `Shopify has no image ${id} any more.`));
      });
    }
    return { ok: true, alts };
  },

  async writeAlt(access, remoteId, altText) {
    const written = await writeAlts(access, [{ remoteId, altText }]);
    if (!written.ok) return written;
    return written.outcomes.get(remoteId) ?? fail('remote_error', `Shopify said nothing of ${remoteId}.`);
  },

  writeAlts,
  startBulkWrite,
  bulkWriteStatus,

  async writeAltTranslation(access, remoteId, locale, altText) {
    if (!MEDIA_IMAGE_ID.test(remoteId)) return notMediaImage(remoteId);
    if (!LOCALE.test(locale)) return fail('not_found', `${locale.slice(0, 20)} is not a locale code (such as fr or pt-BR).`);
    const problem = tooLong(altText);
    if (problem) return { ok: false, ...problem };
    const resource = await graphql(access, TRANSLATABLE, { id: remoteId });
    if (!resource.ok) return resource;
    const content = list(record(resource.data.translatableResource)?.translatableContent).map(record);
    const alt = content.find((entry) => entry?.key === 'alt');
    const digest = text(alt?.digest, 200);
    if (!resource.data.translatableResource) return fail('not_found', `Shopify has no image ${remoteId} to translate.`);
    if (!alt || !digest) return fail('not_found', `Image ${remoteId} has no alt text in the shop’s own language, so there is nothing for Shopify to attach a translation to: write that first.`);
    const answer = await graphql(access, TRANSLATIONS_REGISTER, { id: remoteId, translations: [{ key: 'alt', locale, value: altText, translatableContentDigest: digest }] });
    if (!answer.ok) {
      return answer.code === 'forbidden' ? fail('forbidden', `${answer.message} Translations need the ${TRANSLATION_SCOPE} scope.`) : answer;
    }
    const payload = record(answer.data.translationsRegister);
    const errors = list(payload?.userErrors).map(record);
    if (errors.length) {
      const code = text(errors[0]?.code, 100);
      const message = text(errors[0]?.message, 300);
      if (code === 'INVALID_LOCALE_FOR_SHOP') return fail('not_found', `The shop does not sell in ${locale}: add the language in Shopify first (${message}).`);
      if (code === 'INVALID_TRANSLATABLE_CONTENT') return fail('remote_error', `The image’s alt text changed in the shop while Loupe translated it (${message}): Loupe tries again with the new text.`);
      if (code === 'RESOURCE_NOT_FOUND') return fail('not_found', `Shopify has no image ${remoteId} to translate.`);
      return fail('remote_error', `Shopify refused the ${locale} alt text of ${remoteId}: ${message || code}.`);
    }
    const stored = list(payload?.translations).map(record).find((entry) => entry?.key === 'alt' && entry.locale === locale);
    if (!stored) return fail('not_platform', `Shopify answered translationsRegister without the ${locale} alt text.`);
    return { ok: true, altText: text(stored.value, 10_000) };
  },
};

/** For tests and the benchmark: call pacing and query-cost figures of one shop. */
export function shopifyPaceStats(url: string) {
  return { ...http.stats(url), ...bucket.report(http.paceKey(url)) };
}
