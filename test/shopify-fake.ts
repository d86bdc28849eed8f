import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  buildSchema,
  execute,
  GraphQLError,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

/**
 * A Shopify shop as the GraphQL Admin API documents it, on 127.0.0.1, for the Shopify connector's tests and the
 * benchmark. Queries are parsed, validated and executed (graphql-js) against the part of the Admin schema Loupe
 * uses, so a misspelt field is the error Shopify would give. It keeps Shopify's documented behaviour:
 *
 * - /admin/api/<version>/graphql.json with X-Shopify-Access-Token; a wrong or expired token is a 401 with
 *   Shopify's own `{"errors": "[API] Invalid API key or access token …"}`; another version is a 404.
 * - /admin/oauth/access_token: the client-credentials grant, tokens that expire after `tokenLifetimeS` on the
 *   fake's clock (which tests move forward: `advance`).
 * - Calculated query cost: objects 1, connections 2 + first × their nodes, mutations 10, scalars free; a real
 *   leaky bucket (`maximumAvailable`, `restoreRate` points a second, on the fake's clock); every answer's
 *   `extensions.cost` with its throttleStatus; a query over the bucket is `THROTTLED`, one over 1,000 points
 *   `MAX_COST_EXCEEDED`.
 * - Products paged by opaque cursors, sorted by updated time, filtered by `updated_at:>'…'`; media with their
 *   states (UPLOADED, PROCESSING, READY, FAILED): fileUpdate on a file that is not READY is a userError
 *   (NON_READY_STATE), an alt over 512 characters ALT_VALUE_LIMIT_EXCEEDED.
 * - Bulk operations: stagedUploadsCreate gives a multipart upload target on the fake; bulkOperationRunMutation
 *   runs the mutation once per JSONL line, CREATED → RUNNING → COMPLETED as it is polled, with a result JSONL URL.
 * - Translations: translatableResource gives the alt text's digest (SHA-256 of its value); translationsRegister
 *   refuses a stale digest (INVALID_TRANSLATABLE_CONTENT) and a locale the shop does not sell in.
 */

const SDL = /* GraphQL */ `
  scalar DateTime
  scalar URL
  scalar UnsignedInt64

  enum MediaStatus { UPLOADED PROCESSING READY FAILED }
  enum FileStatus { UPLOADED PROCESSING READY FAILED }
  enum MediaContentType { IMAGE VIDEO EXTERNAL_VIDEO MODEL_3D }
  enum ProductSortKeys { ID TITLE UPDATED_AT }
  enum FilesErrorCode { NON_READY_STATE FILE_DOES_NOT_EXIST ALT_VALUE_LIMIT_EXCEEDED INVALID }
  enum TranslationErrorCode { INVALID_TRANSLATABLE_CONTENT INVALID_LOCALE_FOR_SHOP RESOURCE_NOT_FOUND INVALID_KEY_FOR_MODEL INVALID_CODE }
  enum BulkOperationStatus { CREATED RUNNING COMPLETED CANCELING CANCELED EXPIRED FAILED }
  enum BulkOperationErrorCode { ACCESS_DENIED INTERNAL_SERVER_ERROR TIMEOUT }
  enum StagedUploadTargetGenerateUploadResource { BULK_MUTATION_VARIABLES IMAGE FILE }
  enum StagedUploadHttpMethodType { POST PUT }

  interface Node { id: ID! }
  interface Media { id: ID! alt: String mediaContentType: MediaContentType! status: MediaStatus! }
  interface File { id: ID! alt: String fileStatus: FileStatus! }

  type Image { url: URL! altText: String }
  type MediaImage implements Node & Media & File { id: ID! alt: String mediaContentType: MediaContentType! status: MediaStatus! fileStatus: FileStatus! mimeType: String image: Image }
  type Video implements Node & Media & File { id: ID! alt: String mediaContentType: MediaContentType! status: MediaStatus! fileStatus: FileStatus! }

  type PageInfo { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }
  type ProductVariant { id: ID! sku: String }
  type ProductVariantConnection { nodes: [ProductVariant!]! }
  type Collection { id: ID! title: String! }
  type CollectionConnection { nodes: [Collection!]! }
  type MediaConnection { nodes: [Media!]! pageInfo: PageInfo! }
  type Product implements Node {
    id: ID!
    title: String!
    handle: String!
    updatedAt: DateTime!
    variants(first: Int): ProductVariantConnection!
    collections(first: Int): CollectionConnection!
    media(first: Int, after: String): MediaConnection!
  }
  type ProductConnection { nodes: [Product!]! pageInfo: PageInfo! }
  input ProductIdentifierInput { id: ID handle: String }

  type Shop { name: String! myshopifyDomain: String! }
  type AccessScope { handle: String! }
  type AppInstallation { accessScopes: [AccessScope!]! }

  type TranslatableContent { key: String! value: String digest: String locale: String! }
  type TranslatableResource { resourceId: ID! translatableContent: [TranslatableContent!]! }
  type Translation { key: String! value: String locale: String! }
  type TranslationUserError { field: [String!] message: String! code: TranslationErrorCode }
  input TranslationInput { key: String! value: String! locale: String! translatableContentDigest: String! marketId: ID }
  type TranslationsRegisterPayload { translations: [Translation!] userErrors: [TranslationUserError!]! }

  input FileUpdateInput { id: ID! alt: String }
  type FilesUserError { field: [String!] message: String! code: FilesErrorCode }
  type FileUpdatePayload { files: [File!] userErrors: [FilesUserError!]! }

  input StagedUploadInput { resource: StagedUploadTargetGenerateUploadResource! filename: String! mimeType: String! httpMethod: StagedUploadHttpMethodType fileSize: UnsignedInt64 }
  type StagedUploadParameter { name: String! value: String! }
  type StagedMediaUploadTarget { url: URL resourceUrl: URL parameters: [StagedUploadParameter!]! }
  type UserError { field: [String!] message: String! }
  type StagedUploadsCreatePayload { stagedTargets: [StagedMediaUploadTarget!] userErrors: [UserError!]! }

  type BulkOperation implements Node { id: ID! status: BulkOperationStatus! errorCode: BulkOperationErrorCode objectCount: UnsignedInt64! url: URL partialDataUrl: URL }
  type BulkMutationUserError { field: [String!] message: String! code: String }
  type BulkOperationRunMutationPayload { bulkOperation: BulkOperation userErrors: [BulkMutationUserError!]! }

  type Query {
    shop: Shop!
    currentAppInstallation: AppInstallation!
    products(first: Int, after: String, query: String, sortKey: ProductSortKeys): ProductConnection!
    productByIdentifier(identifier: ProductIdentifierInput!): Product
    node(id: ID!): Node
    nodes(ids: [ID!]!): [Node]!
    translatableResource(resourceId: ID!): TranslatableResource
  }
  type Mutation {
    fileUpdate(files: [FileUpdateInput!]!): FileUpdatePayload
    stagedUploadsCreate(input: [StagedUploadInput!]!): StagedUploadsCreatePayload
    bulkOperationRunMutation(mutation: String!, stagedUploadPath: String!, clientIdentifier: String): BulkOperationRunMutationPayload
    translationsRegister(resourceId: ID!, translations: [TranslationInput!]!): TranslationsRegisterPayload
  }
`;

const schema = buildSchema(SDL);

export type MediaState = 'UPLOADED' | 'PROCESSING' | 'READY' | 'FAILED';

export interface FakeMedia {
  id: string;
  alt: string;
  status: MediaState;
  kind: 'IMAGE' | 'VIDEO';
  /** Served at /files/<n>.jpg. */
  bytes: Buffer;
  /** Translated alt text by locale. */
  translations: Map<string, string>;
}

export interface FakeProduct {
  id: string;
  title: string;
  handle: string;
  updatedAt: number;
  skus: string[];
  collections: string[];
  media: string[];
}

export interface ShopifyFakeOptions {
  version?: string;
  /** Points the bucket holds, and restores per second (Shopify Standard: 1,000 and 100). */
  maximumAvailable?: number;
  restoreRate?: number;
  scopes?: string[];
  locales?: string[];
  tokenLifetimeS?: number;
}

interface BulkRun {
  id: string;
  status: 'CREATED' | 'RUNNING' | 'COMPLETED';
  lines: string[];
  results: string | null;
  polls: number;
}

export interface ShopifyFake {
  url: string;
  version: string;
  products: Map<string, FakeProduct>;
  media: Map<string, FakeMedia>;
  /** A token the shop accepts as an Admin API access token. */
  staticToken: string;
  client: { id: string; secret: string };
  scopes: string[];
  locales: string[];
  bucket: { maximumAvailable: number; restoreRate: number };
  /** What happened, for assertions. */
  calls: { graphql: number; operations: string[]; throttled: number; throttledTwice: number; tokenGrants: number; unauthorized: number; spent: number; fileUpdates: number; filesWritten: number; uploads: number };
  /** Moves the fake's clock (token expiry and the bucket's refill) forward. */
  advance(ms: number): void;
  now(): number;
  addProduct(product: { title: string; handle?: string; skus?: string[]; collections?: string[]; images: { alt?: string; status?: MediaState; bytes: Buffer; kind?: 'IMAGE' | 'VIDEO' }[] }): FakeProduct;
  /** A shop-side edit of an image's alt text (the product is updated now). */
  editAlt(mediaId: string, alt: string): void;
  setStatus(mediaId: string, status: MediaState): void;
  /** Empties the bucket (another app spent it). */
  drain(): void;
  /** Runs before each GraphQL call is costed: a test drains the bucket here, as another app spending it would. */
  beforeCost?: () => void;
  /** Runs after translatableResource answers: a test edits the alt text here to make the digest stale. */
  afterTranslatableRead?: (resourceId: string) => void;
  stop(): Promise<void>;
}

const MAX_QUERY_COST = 1000;
const MUTATION_COST = 10;

function digest(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

function numberArg(value: ValueNode | undefined, variables: Record<string, unknown>): number | null {
  if (!value) return null;
  if (value.kind === Kind.INT) return Number(value.value);
  if (value.kind === Kind.VARIABLE) {
    const bound = variables[value.name.value];
    return typeof bound === 'number' ? bound : null;
  }
  return null;
}

/** How many values a list argument holds (a literal list or a bound variable); null when absent. */
function listArg(value: ValueNode | undefined, variables: Record<string, unknown>): number | null {
  if (!value) return null;
  if (value.kind === Kind.LIST) return value.values.length;
  if (value.kind === Kind.VARIABLE) {
    const bound = variables[value.name.value];
    return Array.isArray(bound) ? bound.length : null;
  }
  return null;
}

/** Shopify's calculated cost: scalars 0, objects 1, connections 2 + first × a node's cost; mutations 10. */
function selectionCost(set: SelectionSetNode | undefined, variables: Record<string, unknown>, fragments: Map<string, FragmentDefinitionNode>): number {
  if (!set) return 0;
  let cost = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.INLINE_FRAGMENT) cost += selectionCost(selection.selectionSet, variables, fragments);
    else if (selection.kind === Kind.FRAGMENT_SPREAD) cost += selectionCost(fragments.get(selection.name.value)?.selectionSet, variables, fragments);
    else if (selection.selectionSet) {
      const ids = selection.name.value === 'nodes' ? listArg(selection.arguments?.find((argument) => argument.name.value === 'ids')?.value, variables) : null;
      if (ids !== null) {
        // nodes(ids:): a node's cost for each id asked.
        cost += ids * (1 + selectionCost(selection.selectionSet, variables, fragments));
        continue;
      }
      const first = numberArg(selection.arguments?.find((argument) => argument.name.value === 'first')?.value, variables);
      if (first === null) {
        cost += 1 + selectionCost(selection.selectionSet, variables, fragments);
        continue;
      }
      // A connection: 2, plus `first` times a node (the object and what is asked of it), plus its pageInfo.
      let perNode = 0;
      let rest = 0;
      for (const inner of selection.selectionSet.selections) {
        if (inner.kind === Kind.FIELD && (inner.name.value === 'nodes' || inner.name.value === 'edges')) perNode += 1 + selectionCost(inner.selectionSet, variables, fragments);
        else rest += selectionCost({ kind: Kind.SELECTION_SET, selections: [inner] }, variables, fragments);
      }
      cost += 2 + first * perNode + rest;
    }
  }
  return cost;
}

function operationCost(document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): number {
  if (operation.operation === 'mutation') return MUTATION_COST * operation.selectionSet.selections.length;
  const fragments = new Map(document.definitions.filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION).map((fragment) => [fragment.name.value, fragment]));
  return selectionCost(operation.selectionSet, variables, fragments);
}

async function readBody(request: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The parts of a multipart/form-data body (the staged upload's form). */
function multipartParts(body: Buffer, contentType: string): Map<string, Buffer> {
  const boundary = /boundary=([^;]+)/.exec(contentType)?.[1];
  const parts = new Map<string, Buffer>();
  if (!boundary) return parts;
  const text = body.toString('latin1');
  for (const chunk of text.split(`--${boundary}`)) {
    const split = chunk.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const name = /name="([^"]*)"/.exec(chunk.slice(0, split))?.[1];
    if (name !== undefined) parts.set(name, Buffer.from(chunk.slice(split + 4).replace(/\r\n$/, ''), 'latin1'));
  }
  return parts;
}

export async function startShopifyFake(options: ShopifyFakeOptions = {}): Promise<ShopifyFake> {
  let offset = 0;
  const now = () => Date.now() + offset;
  const tokens = new Map<string, number>();
  const staged = new Map<string, Buffer>();
  const bulkRuns = new Map<string, BulkRun>();
  let sequence = 1000;
  let level = options.maximumAvailable ?? 1000;
  let levelAt = now();
  let lastThrottled = false;

  const fake: ShopifyFake = {
    url: '',
    version: options.version ?? '2026-10',
    products: new Map(),
    media: new Map(),
    staticToken: `shpat_${randomBytes(16).toString('hex')}`,
    client: { id: randomBytes(8).toString('hex'), secret: `shpss_${randomBytes(16).toString('hex')}` },
    scopes: options.scopes ?? ['read_products', 'write_products', 'write_files', 'write_translations'],
    locales: options.locales ?? ['en', 'fr', 'de'],
    bucket: { maximumAvailable: options.maximumAvailable ?? 1000, restoreRate: options.restoreRate ?? 100 },
    calls: { graphql: 0, operations: [], throttled: 0, throttledTwice: 0, tokenGrants: 0, unauthorized: 0, spent: 0, fileUpdates: 0, filesWritten: 0, uploads: 0 },
    advance(ms) {
      offset += ms;
    },
    now,
    addProduct(input) {
      const id = `gid://shopify/Product/${++sequence}`;
      const product: FakeProduct = {
        id,
        title: input.title,
        handle: input.handle ?? input.title.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
        updatedAt: now(),
        skus: input.skus ?? [],
        collections: input.collections ?? [],
        media: [],
      };
      for (const image of input.images) {
        const kind = image.kind ?? 'IMAGE';
        const mediaId = `gid://shopify/${kind === 'IMAGE' ? 'MediaImage' : 'Video'}/${++sequence}`;
        fake.media.set(mediaId, { id: mediaId, alt: image.alt ?? '', status: image.status ?? 'READY', kind, bytes: image.bytes, translations: new Map() });
        product.media.push(mediaId);
      }
      fake.products.set(id, product);
      return product;
    },
    editAlt(mediaId, alt) {
      const media = fake.media.get(mediaId);
      if (!media) throw new Error(`no media ${mediaId}`);
      media.alt = alt;
      touch(mediaId);
    },
    setStatus(mediaId, status) {
      const media = fake.media.get(mediaId);
      if (!media) throw new Error(`no media ${mediaId}`);
      media.status = status;
    },
    drain() {
      level = 0;
      levelAt = now();
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };

  const touch = (mediaId: string) => {
    for (const product of fake.products.values()) if (product.media.includes(mediaId)) product.updatedAt = Math.max(now(), product.updatedAt + 1);
  };

  const numeric = (gid: string) => gid.split('/').pop();
  const fileUrl = (media: FakeMedia) => `${fake.url}/files/${numeric(media.id)}.jpg`;

  const mediaView = (media: FakeMedia) => ({
    __typename: media.kind === 'IMAGE' ? 'MediaImage' : 'Video',
    id: media.id,
    alt: media.alt,
    mediaContentType: media.kind,
    status: media.status,
    fileStatus: media.status,
    mimeType: 'image/jpeg',
    image: media.status === 'READY' || media.status === 'PROCESSING' ? { url: fileUrl(media), altText: media.alt } : null,
  });

  const productView = (product: FakeProduct) => ({
    __typename: 'Product',
    id: product.id,
    title: product.title,
    handle: product.handle,
    updatedAt: new Date(product.updatedAt).toISOString(),
    variants: ({ first }: { first?: number }) => ({ nodes: product.skus.slice(0, first ?? 250).map((sku, index) => ({ id: `${product.id}/v${index}`, sku })) }),
    collections: ({ first }: { first?: number }) => ({ nodes: product.collections.slice(0, first ?? 250).map((title, index) => ({ id: `${product.id}/c${index}`, title })) }),
    media: ({ first }: { first?: number }) => {
      const all = product.media.map((id) => fake.media.get(id)).filter((media): media is FakeMedia => Boolean(media));
      const shown = all.slice(0, first ?? 250);
      return { nodes: shown.map(mediaView), pageInfo: { hasNextPage: shown.length < all.length, hasPreviousPage: false, startCursor: null, endCursor: null } };
    },
  });

  function fileUpdate(files: { id: string; alt?: string | null }[]) {
    fake.calls.fileUpdates += 1;
    const userErrors: { field: string[]; message: string; code: string }[] = [];
    const updated: ReturnType<typeof mediaView>[] = [];
    files.forEach((input, index) => {
      const media = fake.media.get(input.id);
      if (!media) return userErrors.push({ field: ['files', String(index), 'id'], message: `File id ${input.id} does not exist.`, code: 'FILE_DOES_NOT_EXIST' });
      if (media.status !== 'READY') return userErrors.push({ field: ['files', String(index), 'id'], message: `Non-ready files can't be updated.`, code: 'NON_READY_STATE' });
      if ((input.alt ?? '').length > 512) return userErrors.push({ field: ['files', String(index), 'alt'], message: 'The alt value exceeds the maximum limit of 512 characters.', code: 'ALT_VALUE_LIMIT_EXCEEDED' });
      if (input.alt !== undefined && input.alt !== null) media.alt = input.alt;
      fake.calls.filesWritten += 1;
      touch(media.id);
      updated.push(mediaView(media));
    });
    // Shopify applies none of the batch when any file is refused.
    return { files: userErrors.length ? null : updated, userErrors };
  }

  const root = {
    shop: () => ({ name: 'Linen & Co', myshopifyDomain: 'linen-co.myshopify.com' }),
    currentAppInstallation: () => ({ accessScopes: fake.scopes.map((handle) => ({ handle })) }),
    products: ({ first, after, query }: { first?: number; after?: string; query?: string }) => {
      if (!first || first > 250) throw new GraphQLError('you must provide one of first or last, at most 250');
      const since = query ? /updated_at:>'([^']+)'/.exec(query)?.[1] : undefined;
      const sinceAt = since ? Date.parse(since) : Number.NEGATIVE_INFINITY;
      const sorted = [...fake.products.values()].filter((product) => product.updatedAt > sinceAt).sort((a, b) => a.updatedAt - b.updatedAt || a.id.localeCompare(b.id));
      // The cursor names the last product's place in the sort (updated time, id).
      const position = after ? (JSON.parse(Buffer.from(after, 'base64url').toString()) as { at: number; id: string }) : null;
      const rest = position ? sorted.filter((product) => product.updatedAt > position.at || (product.updatedAt === position.at && product.id > position.id)) : sorted;
      const page = rest.slice(0, first);
      const last = page.at(-1);
      return {
        nodes: page.map(productView),
        pageInfo: {
          hasNextPage: rest.length > page.length,
          hasPreviousPage: Boolean(after),
          startCursor: null,
          endCursor: last ? Buffer.from(JSON.stringify({ at: last.updatedAt, id: last.id })).toString('base64url') : null,
        },
      };
    },
    productByIdentifier: ({ identifier }: { identifier: { id?: string; handle?: string } }) => {
      const product = [...fake.products.values()].find((candidate) => candidate.id === identifier.id || candidate.handle === identifier.handle);
      return product ? productView(product) : null;
    },
    nodes: ({ ids }: { ids: string[] }) => {
      // Shopify answers one entry per id, in order, null for an id it does not know; at most 250 ids a call.
      if (ids.length > 250) throw new Error('The ids argument accepts at most 250 ids.');
      return ids.map((id) => {
        const media = fake.media.get(id);
        return media ? mediaView(media) : null;
      });
    },
    node: ({ id }: { id: string }) => {
      const media = fake.media.get(id);
      if (media) return mediaView(media);
      const run = bulkRuns.get(id);
      if (run) {
        // Each poll moves the operation on: CREATED → RUNNING → COMPLETED (the mutations run at that step).
        run.polls += 1;
        if (run.status === 'CREATED') run.status = 'RUNNING';
        else if (run.status === 'RUNNING') {
          const results = run.lines.map((line, index) => JSON.stringify({ data: { fileUpdate: fileUpdate((JSON.parse(line) as { files: { id: string; alt?: string }[] }).files) }, __lineNumber: index }));
          run.results = `${results.join('\n')}\n`;
          run.status = 'COMPLETED';
        }
        return {
          __typename: 'BulkOperation',
          id: run.id,
          status: run.status,
          errorCode: null,
          objectCount: run.status === 'COMPLETED' ? String(run.lines.length) : '0',
          url: run.status === 'COMPLETED' ? `${fake.url}/bulk-results/${numeric(run.id)}.jsonl` : null,
          partialDataUrl: null,
        };
      }
      const product = fake.products.get(id);
      return product ? productView(product) : null;
    },
    translatableResource: ({ resourceId }: { resourceId: string }) => {
      const media = fake.media.get(resourceId);
      if (!media || media.kind !== 'IMAGE') return null;
      const content = media.alt ? [{ key: 'alt', value: media.alt, digest: digest(media.alt), locale: fake.locales[0] }] : [];
      fake.afterTranslatableRead?.(resourceId);
      return { resourceId, translatableContent: content };
    },
    fileUpdate: ({ files }: { files: { id: string; alt?: string }[] }) => fileUpdate(files),
    stagedUploadsCreate: ({ input }: { input: { resource: string; filename: string; mimeType: string }[] }) => ({
      stagedTargets: input.map((target) => {
        const key = `tmp/${randomBytes(6).toString('hex')}/bulk/${target.filename}`;
        return { url: `${fake.url}/staged-uploads`, resourceUrl: `${fake.url}/staged-uploads/${key}`, parameters: [{ name: 'key', value: key }, { name: 'Content-Type', value: target.mimeType }, { name: 'success_action_status', value: '201' }] };
      }),
      userErrors: [],
    }),
    bulkOperationRunMutation: ({ mutation, stagedUploadPath }: { mutation: string; stagedUploadPath: string }) => {
      const file = staged.get(stagedUploadPath);
      if (!file) return { bulkOperation: null, userErrors: [{ field: ['stagedUploadPath'], message: 'The staged upload path does not exist.', code: 'NO_SUCH_FILE' }] };
      if (!/\bfileUpdate\s*\(/.test(mutation)) return { bulkOperation: null, userErrors: [{ field: ['mutation'], message: 'Only fileUpdate is supported by this fake.', code: 'INVALID_MUTATION' }] };
      if ([...bulkRuns.values()].some((run) => run.status !== 'COMPLETED')) {
        return { bulkOperation: null, userErrors: [{ field: null, message: 'A bulk mutation operation for this app and shop is already in progress.', code: 'OPERATION_IN_PROGRESS' }] };
      }
      const run: BulkRun = { id: `gid://shopify/BulkOperation/${++sequence}`, status: 'CREATED', lines: file.toString('utf8').split('\n').filter((line) => line.trim()), results: null, polls: 0 };
      bulkRuns.set(run.id, run);
      return { bulkOperation: { __typename: 'BulkOperation', id: run.id, status: run.status, errorCode: null, objectCount: '0', url: null, partialDataUrl: null }, userErrors: [] };
    },
    translationsRegister: ({ resourceId, translations }: { resourceId: string; translations: { key: string; value: string; locale: string; translatableContentDigest: string }[] }) => {
      const media = fake.media.get(resourceId);
      if (!media) return { translations: null, userErrors: [{ field: ['resourceId'], message: 'Resource does not exist', code: 'RESOURCE_NOT_FOUND' }] };
      const userErrors: { field: string[]; message: string; code: string }[] = [];
      translations.forEach((translation, index) => {
        if (translation.key !== 'alt') userErrors.push({ field: ['translations', String(index), 'key'], message: `Key ${translation.key} is not a valid translatable field`, code: 'INVALID_KEY_FOR_MODEL' });
        else if (!fake.locales.includes(translation.locale) || translation.locale === fake.locales[0]) userErrors.push({ field: ['translations', String(index), 'locale'], message: `Locale ${translation.locale} is not enabled for this shop`, code: 'INVALID_LOCALE_FOR_SHOP' });
        else if (translation.translatableContentDigest !== digest(media.alt)) userErrors.push({ field: ['translations', String(index), 'translatableContentDigest'], message: 'Translatable content hash is invalid', code: 'INVALID_TRANSLATABLE_CONTENT' });
      });
      if (userErrors.length) return { translations: null, userErrors };
      for (const translation of translations) media.translations.set(translation.locale, translation.value);
      return { translations: translations.map(({ key, value, locale }) => ({ key, value, locale })), userErrors: [] };
    },
  };

  // graphql-js resolves interface types by __typename.
  const typeResolvers = { resolveType: (value: { __typename?: string }) => value.__typename };
  for (const name of ['Node', 'Media', 'File']) {
    const type = schema.getType(name);
    if (type && 'resolveType' in type) (type as unknown as { resolveType: typeof typeResolvers.resolveType }).resolveType = typeResolvers.resolveType;
  }

  function throttleStatus() {
    const at = now();
    level = Math.min(fake.bucket.maximumAvailable, level + (fake.bucket.restoreRate * (at - levelAt)) / 1000);
    levelAt = at;
    return { maximumAvailable: fake.bucket.maximumAvailable, currentlyAvailable: Math.floor(level), restoreRate: fake.bucket.restoreRate };
  }

  function answer(response: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', date: new Date(now()).toUTCString(), ...headers });
    response.end(JSON.stringify(body));
  }

  async function graphqlCall(request: http.IncomingMessage, response: http.ServerResponse) {
    const token = String(request.headers['x-shopify-access-token'] ?? '');
    const expiresAt = tokens.get(token);
    if (token !== fake.staticToken && !(expiresAt !== undefined && expiresAt > now())) {
      fake.calls.unauthorized += 1;
      return answer(response, 401, { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
    }
    fake.calls.graphql += 1;
    let body: { query?: unknown; variables?: unknown };
    try {
      body = JSON.parse((await readBody(request)).toString('utf8')) as typeof body;
    } catch {
      return answer(response, 400, { errors: { query: 'Required parameter missing or invalid' } });
    }
    const variables = (typeof body.variables === 'object' && body.variables ? body.variables : {}) as Record<string, unknown>;
    let document: DocumentNode;
    try {
      document = parse(String(body.query ?? ''));
    } catch (error) {
      return answer(response, 200, { errors: [{ message: (error as Error).message, extensions: { code: 'PARSE_ERROR' } }] });
    }
    const invalid = validate(schema, document);
    if (invalid.length) return answer(response, 200, { errors: invalid.map((error) => ({ message: error.message, locations: error.locations, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })) });
    const operation = document.definitions.find((definition): definition is OperationDefinitionNode => definition.kind === Kind.OPERATION_DEFINITION);
    if (!operation) return answer(response, 200, { errors: [{ message: 'No operation given' }] });
    fake.calls.operations.push(operation.name?.value ?? operation.operation);
    const cost = operationCost(document, operation, variables);
    fake.beforeCost?.();
    const status = throttleStatus();
    if (cost > MAX_QUERY_COST) {
      return answer(response, 200, {
        errors: [{ message: `Query cost is ${cost}, which exceeds the single query max cost limit (${MAX_QUERY_COST}).`, extensions: { code: 'MAX_COST_EXCEEDED', cost, maxCost: MAX_QUERY_COST } }],
        extensions: { cost: { requestedQueryCost: cost, actualQueryCost: null, throttleStatus: status } },
      });
    }
    if (status.currentlyAvailable < cost) {
      fake.calls.throttled += 1;
      if (lastThrottled) fake.calls.throttledTwice += 1;
      lastThrottled = true;
      return answer(response, 200, { errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' } }], extensions: { cost: { requestedQueryCost: cost, actualQueryCost: null, throttleStatus: status } } });
    }
    lastThrottled = false;
    level -= cost;
    fake.calls.spent += cost;
    const result = await execute({ schema, document, rootValue: root, variableValues: variables, operationName: operation.name?.value });
    answer(response, 200, {
      ...(result.data ? { data: result.data } : {}),
      ...(result.errors ? { errors: result.errors.map((error) => ({ message: error.message, path: error.path })) } : {}),
      extensions: { cost: { requestedQueryCost: cost, actualQueryCost: cost, throttleStatus: throttleStatus() } },
    });
  }

  async function grant(request: http.IncomingMessage, response: http.ServerResponse) {
    const form = new URLSearchParams((await readBody(request)).toString('utf8'));
    if (form.get('grant_type') !== 'client_credentials') return answer(response, 400, { error: 'unsupported_grant_type', error_description: 'grant_type must be client_credentials' });
    if (form.get('client_id') !== fake.client.id || form.get('client_secret') !== fake.client.secret) return answer(response, 400, { error: 'invalid_client', error_description: 'Client authentication failed' });
    const token = `shpca_${randomBytes(16).toString('hex')}`;
    const lifetime = options.tokenLifetimeS ?? 86_399;
    tokens.set(token, now() + lifetime * 1000);
    fake.calls.tokenGrants += 1;
    answer(response, 200, { access_token: token, scope: fake.scopes.join(','), expires_in: lifetime });
  }

  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://fake');
    const route = async () => {
      if (request.method === 'POST' && url.pathname === `/admin/api/${fake.version}/graphql.json`) return graphqlCall(request, response);
      if (request.method === 'POST' && /^\/admin\/api\/[^/]+\/graphql\.json$/.test(url.pathname)) return answer(response, 404, { errors: 'Not Found' });
      if (request.method === 'POST' && url.pathname === '/admin/oauth/access_token') return grant(request, response);
      if (request.method === 'POST' && url.pathname === '/staged-uploads') {
        const parts = multipartParts(await readBody(request), String(request.headers['content-type'] ?? ''));
        const key = parts.get('key')?.toString('utf8');
        const file = parts.get('file');
        if (!key || !file) return answer(response, 400, { error: 'key and file are required' });
        staged.set(key, file);
        fake.calls.uploads += 1;
        response.writeHead(201, { 'content-type': 'application/xml' });
        return response.end(`<PostResponse><Key>${key}</Key></PostResponse>`);
      }
      const bulk = /^\/bulk-results\/(\d+)\.jsonl$/.exec(url.pathname);
      if (request.method === 'GET' && bulk) {
        const run = bulkRuns.get(`gid://shopify/BulkOperation/${bulk[1]}`);
        if (!run?.results) return answer(response, 404, { error: 'not found' });
        response.writeHead(200, { 'content-type': 'application/jsonl' });
        return response.end(run.results);
      }
      const file = /^\/files\/(\d+)\.jpg$/.exec(url.pathname);
      if (request.method === 'GET' && file) {
        const media = [...fake.media.values()].find((candidate) => numeric(candidate.id) === file[1]);
        if (!media) return answer(response, 404, { error: 'not found' });
        response.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': String(media.bytes.length) });
        return response.end(media.bytes);
      }
      answer(response, 404, { errors: 'Not Found' });
    };
    route().catch((error: unknown) => answer(response, 500, { errors: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
