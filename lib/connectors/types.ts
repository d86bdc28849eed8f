import type { Readable } from 'node:stream';
import type { z } from 'zod';
import type { Result } from '@/lib/result';

/**
 * A shop connector: one file per platform (wordpress.ts; later shopify.ts, drupal.ts) implementing `Connector`,
 * registered once in registry.ts. The sync and writeback jobs (lib/connections) know this interface only, never a
 * platform. Every call goes through the outbound client (lib/outbound): address checks, timeouts, no redirects,
 * size caps, pacing from the store's own Retry-After and rate-limit headers.
 */

/**
 * What a connection stores to reach its store, from the kind's own input fields: the address, the account's
 * name, one secret (encrypted at rest; a kind with several secrets JSON-encodes them into it) and non-secret
 * settings the kind validated (kept as they are).
 */
export interface StoreCredentials {
  url: string;
  username: string;
  secret: string;
  settings: Record<string, unknown>;
}

/** What a connector needs to reach one store. The secret (an application password, a token) is decrypted only here. */
export interface StoreAccess {
  /** The site's base URL as the admin typed it, normalised (no trailing slash). */
  url: string;
  username: string;
  secret: string;
  /** The kind's non-secret settings, as its `accessFrom` made them. */
  settings: Record<string, unknown>;
  /** CONNECTIONS_ALLOW_PRIVATE: a store on a private or loopback address may be reached. */
  allowPrivate: boolean;
  /** Aborted when the job's lease passes to another worker or the request is cancelled. */
  signal?: AbortSignal;
  /**
   * This connection's own pacing ceiling, in place of the platform's `limits` (a store that can take more, or
   * must get less; the benchmark). The store's own Retry-After and rate-limit headers still apply.
   */
  pace?: { concurrency?: number; requestsPerSecond?: number };
}

/** The product a store's photo belongs to (WooCommerce's product, or a WordPress parent post). */
export interface RemoteProduct {
  remoteId: string;
  title: string;
  sku: string | null;
  handle: string | null;
  /** The store's categories, joined as Loupe's collection. */
  collection: string | null;
}

/** One image as the store lists it. */
export interface RemoteImage {
  remoteId: string;
  /** Where the original can be downloaded (through the outbound client). */
  url: string;
  /** The store's current alt text; '' when it has none. */
  altText: string;
  filename: string | null;
  mimeType: string | null;
  /**
   * When the store last changed the image (ISO 8601, UTC). Not the next sync's `since` by itself: a listing in
   * id order can see a later edit of one image before an earlier edit of another; use ImagePage.storeTime.
   */
  modifiedAt: string;
  product: RemoteProduct | null;
  /** The photo's place among its product's photos, 0 = main image; null without a product. */
  position: number | null;
}

/** A page of changed images; `next` is opaque to callers and null on the last page. */
export interface ImagePage {
  images: RemoteImage[];
  next: string | null;
  /**
   * The store's own clock when it answered this page (its Date header; null when it sent none). The first
   * page's is the next sync's `since`: every change after it is listed again, whatever order the pages ran in,
   * and the store's clock is the one its modified times are written in.
   */
  storeTime: string | null;
}

export type ConnectorErrorCode =
  /** DNS, connection refused, TLS, or a timeout: the store could not be reached. */
  | 'unreachable'
  /** The address is private or loopback and CONNECTIONS_ALLOW_PRIVATE is not set. */
  | 'private_address'
  /** The site answered, but not as the platform's API does (HTML, no REST route, unexpected JSON). */
  | 'not_platform'
  /** The credentials were refused (401): the connection pauses until an admin replaces them. */
  | 'unauthorized'
  /** The user may not read or edit media (403 or missing capability). */
  | 'forbidden'
  /** The image (or product) is gone from the store. */
  | 'not_found'
  /** The store asked Loupe to slow down; `retryAfterMs` says for how long when the store said so. */
  | 'rate_limited'
  /** The store failed (5xx) or answered something Loupe cannot use. */
  | 'remote_error'
  /** The image is larger than Loupe accepts, or not an image; or the store refused the write's content (422). */
  | 'rejected_file'
  /** The alt text is longer than `limits.maxAltLength`: refused before any call, never cut. */
  | 'text_too_long';

export type ConnectorError = { code: ConnectorErrorCode; message: string; retryAfterMs?: number };

export interface ConnectorLimits {
  /** The longest alt text the platform keeps; longer text is refused before the call, never truncated silently. */
  maxAltLength: number;
  /** Calls at once to one store, and at most this many per second (lowered further by the store's own headers). */
  concurrency: number;
  requestsPerSecond: number;
}

/** One field of a kind's forms on /admin/connections (the API takes the same names). */
export interface ConnectFormField {
  name: string;
  label: string;
  hint?: string;
  /** A secret is never refilled after an error, nor shown again. */
  secret?: boolean;
  optional?: boolean;
}

export interface Connector {
  /** The registry's key (registry.ts). */
  kind: string;
  /** How the platform is named in the interface ("WordPress"). */
  label: string;
  limits: ConnectorLimits;
  /**
   * The kind's own fields of POST /api/connections, beyond kind, name and writebackMode (WordPress: url,
   * username, applicationPassword), and how they become what the connection stores. `accessFrom` gets what
   * `connectInput` parsed.
   */
  connectInput: z.ZodObject;
  accessFrom(input: Record<string, unknown>): StoreCredentials;
  /** The fields of a credential rotation (the address and settings stay), and what they replace. */
  credentialsInput: z.ZodObject;
  credentialsFrom(input: Record<string, unknown>): Pick<StoreCredentials, 'username' | 'secret'>;
  /** The admin page's fields for connecting a store of this kind, and for replacing its credentials. */
  form: { connect: ConnectFormField[]; credentials: ConnectFormField[] };
  /** A real read call that proves the URL is the platform's API and the user may edit media; names the account. */
  verify(access: StoreAccess): Promise<Result<{ account: string }, ConnectorError>>;
  /** Images changed after `since` (null: all), one page at a time from `cursor` (null: the first page). */
  listChangedImages(access: StoreAccess, options: { since: string | null; cursor: string | null }): Promise<Result<ImagePage, ConnectorError>>;
  /** The original's bytes, streamed and capped at `maxBytes`; the stream errors if the store sends more. */
  fetchImage(access: StoreAccess, image: Pick<RemoteImage, 'remoteId' | 'url'>, options: { maxBytes: number }): Promise<Result<{ body: Readable; contentType: string | null }, ConnectorError>>;
  /** The store's current alt text for one image ('' when empty). */
  readAlt(access: StoreAccess, remoteId: string): Promise<Result<{ altText: string }, ConnectorError>>;
  /**
   * Where the platform reads several images per call: each image's current text ('' when empty) or why not (gone
   * from the store); a failure of the whole call is the Result's. A connector with writeAlts has this too: the
   * batched writeback reads before it writes, as the one-image writeback does.
   */
  readAlts?(access: StoreAccess, remoteIds: readonly string[]): Promise<Result<{ alts: Map<string, Result<{ altText: string }, ConnectorError>> }, ConnectorError>>;
  /** Replaces the store's alt text for one image ('' = decorative); answers the text the store now holds. */
  writeAlt(access: StoreAccess, remoteId: string, altText: string): Promise<Result<{ altText: string }, ConnectorError>>;
  /**
   * Where the platform writes several images per call: each image's outcome (one refused does not fail the
   * others); a failure of the whole call (credentials, the store down) before anything was written is the Result's.
   */
  writeAlts?(access: StoreAccess, items: readonly AltWrite[]): Promise<Result<{ outcomes: Map<string, Result<{ altText: string }, ConnectorError>> }, ConnectorError>>;
  /**
   * Where the platform runs large writes itself (Shopify's bulk operations): starts one over `items` (those
   * refused before sending, too long for instance, are answered at once), and says how it stands when polled
   * with the same items.
   */
  startBulkWrite?(access: StoreAccess, items: readonly AltWrite[]): Promise<Result<{ operationId: string; refused: Map<string, ConnectorError> }, ConnectorError>>;
  bulkWriteStatus?(access: StoreAccess, operationId: string, items: readonly AltWrite[]): Promise<Result<BulkAltWrite, ConnectorError>>;
  /** Where the platform keeps alt text per language: one image's text in `locale` (a BCP 47 code such as fr or pt-BR). */
  writeAltTranslation?(access: StoreAccess, remoteId: string, locale: string, altText: string): Promise<Result<{ altText: string }, ConnectorError>>;
}

export interface AltWrite {
  remoteId: string;
  altText: string;
}

/** A bulk write under way, or over with each image's outcome. */
export type BulkAltWrite = { status: 'running' } | { status: 'done'; outcomes: Map<string, Result<{ altText: string }, ConnectorError>> };
