import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll } from 'vitest';
import { POST as completeRoute } from '@/app/api/uploads/[id]/complete/route';
import { PUT as putFileRoute } from '@/app/api/files/[...key]/route';
import { POST as createUploadRoute } from '@/app/api/uploads/route';
import { getDb, openPglite, useDbForTests } from '@/db/client';
import { migrate } from '@/db/migrate';
import { assets, renditions } from '@/db/schema';
import { forgetSigningSecret } from '@/lib/auth';
import { dropAfterTasks } from '@/lib/ingest';
import { call, makeAccount, type TestAccount } from '@/test/auth';
import { LocalStorage, useStorageForTests, type Storage } from '@/lib/storage';

/** Test support for the upload, pipeline and asset API tests: real routes, real local storage in a temp folder. */

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Local storage in a fresh temporary folder for this test file. */
export function useTemporaryLocalStorage(): () => { storage: Storage; root: string } {
  let root = '';
  let storage: LocalStorage | undefined;
  beforeAll(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'loupe-storage-'));
    storage = new LocalStorage(root);
    useStorageForTests(storage);
  });
  afterAll(async () => {
    useStorageForTests(undefined);
    await fs.rm(root, { recursive: true, force: true });
  });
  return () => {
    if (!storage) throw new Error('storage is ready only inside tests and hooks');
    return { storage, root };
  };
}

/** A distinct little JPEG (distinct bytes, so distinct SHA-256) per seed. */
export function testJpeg(seed: number, width = 640, height = 480): Promise<Buffer> {
  const colour = { r: (seed * 67) % 256, g: (seed * 131) % 256, b: (seed * 29) % 256 };
  return sharp({ create: { width, height, channels: 3, background: colour } }).jpeg({ quality: 80 }).toBuffer();
}

export interface UploadSpec {
  filename?: string;
  contentType?: string;
  /** Declared size and hash; default to the real ones. A null hash sends none, as a browser without WebCrypto. */
  size?: number;
  sha256?: string | null;
  tags?: string[];
}

export function startUpload(account: TestAccount, bytes: Buffer, spec: UploadSpec = {}): Promise<Response> {
  return call(createUploadRoute, {
    method: 'POST',
    bearer: account.token,
    body: {
      filename: spec.filename ?? 'photo.jpg',
      contentType: spec.contentType ?? 'image/jpeg',
      size: spec.size ?? bytes.length,
      ...(spec.sha256 === null ? {} : { sha256: spec.sha256 ?? sha256(bytes) }),
      ...(spec.tags ? { tags: spec.tags } : {}),
    },
  });
}

/** Announces an upload that must be accepted (201), for tests whose subject comes after. */
export async function announceUpload(account: TestAccount, bytes: Buffer, spec: UploadSpec = {}): Promise<{ assetId: string; upload: { url: string } }> {
  const started = await startUpload(account, bytes, spec);
  if (started.status !== 201) throw new Error(`upload not started: ${started.status} ${await started.text()}`);
  return (await started.json()) as { assetId: string; upload: { url: string } };
}

/** PUTs bytes to a local signed upload URL through the files route, as a browser would. */
export function putToSignedUrl(url: string, bytes: Buffer, contentType = 'image/jpeg'): Promise<Response> {
  const parsed = new URL(url);
  const key = decodeURIComponent(parsed.pathname.replace(/^\/api\/files\//, '')).split('/');
  const request = new Request(parsed, { method: 'PUT', headers: { 'content-type': contentType }, body: new Uint8Array(bytes) });
  return putFileRoute(request, { params: Promise.resolve({ key }) });
}

export function completeUpload(account: TestAccount, assetId: string): Promise<Response> {
  return call(completeRoute, { method: 'POST', bearer: account.token, params: { id: assetId } });
}

/** The three browser steps: announce, PUT, complete. Returns the completion response and the asset id. */
export async function uploadThroughApi(account: TestAccount, bytes: Buffer, spec: UploadSpec = {}): Promise<{ assetId: string; complete: Response }> {
  const { assetId, upload } = await announceUpload(account, bytes, spec);
  const put = await putToSignedUrl(upload.url, bytes, spec.contentType ?? 'image/jpeg');
  if (put.status !== 200) throw new Error(`upload PUT failed: ${put.status} ${await put.text()}`);
  return { assetId, complete: await completeUpload(account, assetId) };
}

/** Every object key under a local storage root, including half-written temporaries. */
export async function storedKeys(root: string): Promise<string[]> {
  const entries = await fs.readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((entry) => entry.isFile()).map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/')).sort();
}

/** Objects in storage that no asset row accounts for: what a failed upload or delete must never leave. */
export async function orphanedKeys(root: string): Promise<string[]> {
  const db = await getDb();
  const rows = await db.select({ originalKey: assets.originalKey, derivatives: assets.derivatives, state: assets.state }).from(assets);
  const referenced = new Set<string>();
  for (const row of rows) {
    if (row.state !== 'failed_upload') referenced.add(row.originalKey);
    for (const derivative of Object.values(row.derivatives ?? {})) referenced.add(derivative.key);
  }
  for (const rendition of await db.select({ key: renditions.key }).from(renditions)) referenced.add(rendition.key);
  return (await storedKeys(root)).filter((key) => !referenced.has(key));
}

/**
 * Uploads photos into the embedded database and storage under `dataDir` (as a CLI or server started with
 * DATA_DIR=dataDir will open them), then "crashes": the uploads' after() work is dropped and the database
 * closed. Needs next/server's after() mocked with captureAfter in the calling test file. Returns the asset ids.
 */
export async function uploadsLeftUnprocessed(dataDir: string, photos: Buffer[]): Promise<string[]> {
  const handle = await openPglite(path.join(dataDir, 'pglite'));
  await migrate(handle);
  useDbForTests(handle);
  forgetSigningSecret();
  useStorageForTests(new LocalStorage(path.join(dataDir, 'storage')));
  const editor = await makeAccount(handle.db, 'editor');
  const ids: string[] = [];
  for (const photo of photos) {
    const { assetId, complete } = await uploadThroughApi(editor, photo);
    if (complete.status !== 202) throw new Error(`upload completion answered ${complete.status}`);
    ids.push(assetId);
  }
  dropAfterTasks();
  await handle.close();
  return ids;
}
