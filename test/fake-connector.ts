import { Readable } from 'node:stream';
import { connectorFor, isConnectorKind, type Connector, type ConnectorError, type ConnectorErrorCode, type ImagePage, type RemoteImage, type RemoteProduct, type StoreAccess } from '@/lib/connectors';
import type { Result } from '@/lib/result';

/**
 * A store held in memory behind the real Connector interface, for the connection tests (lib/connections): the
 * routes, jobs, ingest, database and storage around it are the real ones. It behaves as the interface says a
 * platform does (pages with an opaque cursor, `since` by modification time, streamed originals capped at
 * maxBytes, alt text read and written per image) and records every call, so tests can count writes and see
 * where a sync resumed. Failures are switched on per call kind or per image.
 */

export interface FakeImage {
  remoteId: string;
  bytes: Buffer;
  altText: string;
  modifiedAt: string;
  product?: RemoteProduct | null;
  position?: number | null;
  /** Answer this instead of the bytes (404, not an image…). */
  fetchError?: ConnectorErrorCode;
}

export interface FakeStore {
  connector: Connector;
  images: Map<string, FakeImage>;
  /** Accepted credentials: the secret the store knows (change it to "revoke" the password). */
  password: string;
  pageSize: number;
  calls: { list: { since: string | null; cursor: string | null }[]; fetch: string[]; read: string[]; write: { remoteId: string; altText: string }[] };
  /** Fails the next calls of one kind with this error (verify, list, read, write). */
  failing: Partial<Record<'verify' | 'list' | 'read' | 'write', ConnectorError>>;
  /** Runs before each page is answered: throw here to stop a sync as a crash would. */
  beforeList?: (cursor: string | null) => void;
  /** Runs before each image is fetched: throw here to stop a sync mid-page. */
  beforeFetch?: (remoteId: string) => void;
  /** Downloads under way now (from the fetch call until its stream ends), and the most at once. */
  downloads: { now: number; most: number };
  /** Awaited before each download starts: tests hold downloads here to see them overlap. */
  fetchGate?: (remoteId: string) => Promise<void>;
  /** Runs once the store has taken a write: throw here to stop a writeback as a crash would, before Loupe records it. */
  afterWrite?: (remoteId: string) => void;
  add(image: Omit<FakeImage, 'modifiedAt'> & { modifiedAt?: string }): FakeImage;
  /** A shop-side edit: new alt text, modified now. */
  editInShop(remoteId: string, altText: string): void;
}

let clock = Date.parse('2026-01-01T00:00:00Z');
const tick = () => new Date((clock += 1000)).toISOString();

export function fakeStore(options: { kind?: string; maxAltLength?: number; concurrency?: number; pageSize?: number } = {}): FakeStore {
  const store: FakeStore = {
    images: new Map(),
    password: 'app-password-1234',
    pageSize: options.pageSize ?? 2,
    calls: { list: [], fetch: [], read: [], write: [] },
    failing: {},
    downloads: { now: 0, most: 0 },
    add(image) {
      const added = { ...image, modifiedAt: image.modifiedAt ?? tick() };
      store.images.set(image.remoteId, added);
      return added;
    },
    editInShop(remoteId, altText) {
      const image = store.images.get(remoteId);
      if (!image) throw new Error(`no image ${remoteId}`);
      image.altText = altText;
      image.modifiedAt = tick();
    },
    connector: undefined as unknown as Connector,
  };

  const refused = (access: StoreAccess): ConnectorError | null =>
    access.secret === store.password && access.username === 'shop-admin' ? null : { code: 'unauthorized', message: 'HTTP 401: the application password was not accepted' };
  const failure = (kind: keyof FakeStore['failing'], access: StoreAccess): ConnectorError | null => store.failing[kind] ?? refused(access);

  const remoteImage = (image: FakeImage): RemoteImage => ({
    remoteId: image.remoteId,
    url: `https://shop.example.com/wp-content/uploads/${image.remoteId}.jpg`,
    altText: image.altText,
    filename: `${image.remoteId}.jpg`,
    mimeType: 'image/jpeg',
    modifiedAt: image.modifiedAt,
    product: image.product ?? null,
    position: image.position ?? null,
  });

  const kind = options.kind ?? 'wordpress';
  // A stand-in for calls only: what a connection of its kind is made of (input, credentials, forms) stays the kind's own.
  const { connectInput, accessFrom, credentialsInput, credentialsFrom, form } = connectorFor(isConnectorKind(kind) ? kind : 'wordpress');
  store.connector = {
    kind,
    label: 'Fake store',
    connectInput,
    accessFrom,
    credentialsInput,
    credentialsFrom,
    form,
    limits: { maxAltLength: options.maxAltLength ?? 200, concurrency: options.concurrency ?? 3, requestsPerSecond: 10_000 },
    async verify(access): Promise<Result<{ account: string }, ConnectorError>> {
      const error = failure('verify', access);
      return error ? { ok: false, ...error } : { ok: true, account: access.username };
    },
    async listChangedImages(access, { since, cursor }): Promise<Result<ImagePage, ConnectorError>> {
      store.calls.list.push({ since, cursor });
      store.beforeList?.(cursor);
      const error = failure('list', access);
      if (error) return { ok: false, ...error };
      const changed = [...store.images.values()].filter((image) => since === null || image.modifiedAt > since).sort((a, b) => a.modifiedAt.localeCompare(b.modifiedAt) || a.remoteId.localeCompare(b.remoteId));
      const start = cursor === null ? 0 : Number(cursor.replace('page-', '')) * store.pageSize;
      const images = changed.slice(start, start + store.pageSize).map(remoteImage);
      const nextPage = start / store.pageSize + 1;
      return { ok: true, images, next: start + store.pageSize < changed.length ? `page-${nextPage}` : null, storeTime: null };
    },
    async fetchImage(access, image, { maxBytes }) {
      store.calls.fetch.push(image.remoteId);
      store.beforeFetch?.(image.remoteId);
      store.downloads.now += 1;
      store.downloads.most = Math.max(store.downloads.most, store.downloads.now);
      await store.fetchGate?.(image.remoteId);
      const done = () => (store.downloads.now -= 1);
      const error = refused(access);
      const found = store.images.get(image.remoteId);
      const failure: ConnectorError | null = error ?? (!found ? { code: 'not_found', message: 'HTTP 404' } : found.fetchError ? { code: found.fetchError, message: `the store answered ${found.fetchError}` } : null);
      if (failure || !found) {
        done();
        return { ok: false, ...(failure ?? { code: 'not_found', message: 'HTTP 404' }) };
      }
      const body = cappedStream(found.bytes, maxBytes);
      body.once('close', done);
      return { ok: true, body, contentType: 'image/jpeg' };
    },
    async readAlt(access, remoteId) {
      store.calls.read.push(remoteId);
      const error = failure('read', access);
      if (error) return { ok: false, ...error };
      const found = store.images.get(remoteId);
      return found ? { ok: true, altText: found.altText } : { ok: false, code: 'not_found', message: 'HTTP 404' };
    },
    async writeAlt(access, remoteId, altText) {
      const error = failure('write', access);
      if (error) return { ok: false, ...error };
      const found = store.images.get(remoteId);
      if (!found) return { ok: false, code: 'not_found', message: 'HTTP 404' };
      store.calls.write.push({ remoteId, altText });
      found.altText = altText;
      found.modifiedAt = tick();
      store.afterWrite?.(remoteId);
      return { ok: true, altText };
    },
  };
  return store;
}

/** The bytes in small chunks; the stream errors once more than maxBytes have gone by, as the interface says. */
function cappedStream(bytes: Buffer, maxBytes: number): Readable {
  const chunks: Buffer[] = [];
  for (let start = 0; start < bytes.length; start += 16 * 1024) chunks.push(bytes.subarray(start, start + 16 * 1024));
  let sent = 0;
  return Readable.from(
    (function* () {
      for (const chunk of chunks) {
        sent += chunk.length;
        if (sent > maxBytes) throw new Error(`the image is larger than ${maxBytes} bytes`);
        yield chunk;
      }
    })(),
  );
}
