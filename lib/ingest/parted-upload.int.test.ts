import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PUT as putFileRoute } from '@/app/api/files/[...key]/route';
import { POST as completeRoute } from '@/app/api/uploads/[id]/complete/route';
import { GET as listPartsRoute, POST as signPartsRoute } from '@/app/api/uploads/[id]/parts/route';
import { assets } from '@/db/schema';
import { resetConfig } from '@/lib/config';
import { useStorageForTests, type Storage, LocalStorage } from '@/lib/storage';
import { call, makeAccount, type TestAccount } from '@/test/auth';
import { useTestDatabase } from '@/test/db';
import { sha256, startUpload, testJpeg, uploadThroughApi } from '@/test/ingest';
import { startS3rver, type S3rverHandle } from '@/test/s3rver';
import { removeAbandonedUploads } from './abandoned-uploads';
import { runAfterTasks } from './after-capture';

vi.mock('next/server', async (original) => ({ ...(await original<object>()), after: (await import('@/lib/ingest/after-capture')).captureAfter }));

/**
 * Big files in parts, through the real routes, on local storage and on S3 (s3rver): the thresholds are lowered so a
 * 13 MB photo goes in three parts of 5 MiB (S3's smallest).
 */
const PART = 5 * 1024 * 1024;
const database = useTestDatabase();
let editor: TestAccount;
let otherEditor: TestAccount;
let viewer: TestAccount;
const savedEnv = { threshold: process.env.UPLOAD_PART_THRESHOLD_BYTES, part: process.env.UPLOAD_PART_SIZE_BYTES };

beforeAll(async () => {
  process.env.UPLOAD_PART_THRESHOLD_BYTES = String(6 * 1024 * 1024);
  process.env.UPLOAD_PART_SIZE_BYTES = String(PART);
  resetConfig();
  editor = await makeAccount(database().db, 'editor');
  otherEditor = await makeAccount(database().db, 'editor');
  viewer = await makeAccount(database().db, 'viewer');
});
afterAll(() => {
  process.env.UPLOAD_PART_THRESHOLD_BYTES = savedEnv.threshold;
  process.env.UPLOAD_PART_SIZE_BYTES = savedEnv.part;
  if (savedEnv.threshold === undefined) delete process.env.UPLOAD_PART_THRESHOLD_BYTES;
  if (savedEnv.part === undefined) delete process.env.UPLOAD_PART_SIZE_BYTES;
  resetConfig();
});

/** A 2400 x 1800 PNG of noise, stored uncompressed: about 13 MB, different bytes every call. */
function bigPng(): Promise<Buffer> {
  return sharp({ create: { width: 2400, height: 1800, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
    .png({ compressionLevel: 0 })
    .toBuffer();
}

interface PartPlanAnswer {
  assetId: string;
  parts: { partSize: number; partCount: number; url: string };
}

interface SignedPart {
  partNumber: number;
  url: string;
  method: string;
  headers: Record<string, string>;
}

async function errorOf(response: Response): Promise<{ status: number; code: string }> {
  const body = (await response.json()) as { error?: { code: string } };
  return { status: response.status, code: body.error?.code ?? '(none)' };
}

async function announceParted(bytes: Buffer, account = editor, spec: { sha256?: string | null } = {}): Promise<PartPlanAnswer> {
  const response = await startUpload(account, bytes, { filename: 'big.png', contentType: 'image/png', sha256: spec.sha256 === undefined ? null : spec.sha256 });
  expect(response.status).toBe(201);
  const answer = (await response.json()) as PartPlanAnswer;
  expect(answer.parts).toMatchObject({ partSize: PART, partCount: Math.ceil(bytes.length / PART) });
  return answer;
}

function signParts(assetId: string, partNumbers: number[], account = editor): Promise<Response> {
  return call(signPartsRoute, { method: 'POST', bearer: account.token, params: { id: assetId }, body: { partNumbers } });
}

async function partUrls(assetId: string, partNumbers: number[]): Promise<Map<number, SignedPart>> {
  const response = await signParts(assetId, partNumbers);
  expect(response.status).toBe(200);
  const { parts } = (await response.json()) as { parts: SignedPart[] };
  return new Map(parts.map((part) => [part.partNumber, part]));
}

function listParts(assetId: string, account = editor): Promise<Response> {
  return call(listPartsRoute, { bearer: account.token, params: { id: assetId } });
}

function complete(assetId: string, options: { sha256?: string; account?: TestAccount } = {}): Promise<Response> {
  const query = options.sha256 ? `?sha256=${options.sha256}` : '';
  return call(completeRoute, { method: 'POST', path: `/api/uploads/${assetId}/complete${query}`, bearer: (options.account ?? editor).token, params: { id: assetId } });
}

function slice(bytes: Buffer, partNumber: number): Buffer {
  return bytes.subarray((partNumber - 1) * PART, partNumber * PART);
}

/** PUTs to a signed part URL: through the files route for local storage (as the browser reaches it), straight to s3rver for S3. */
function putPart(part: SignedPart, body: Buffer): Promise<Response> {
  const url = new URL(part.url);
  if (url.pathname.startsWith('/api/files/')) {
    const key = decodeURIComponent(url.pathname.replace(/^\/api\/files\//, '')).split('/');
    const request = new Request(url, { method: 'PUT', headers: part.headers, body: new Uint8Array(body) });
    return putFileRoute(request, { params: Promise.resolve({ key }) });
  }
  return fetch(part.url, { method: part.method, headers: part.headers, body: new Uint8Array(body) });
}

async function sendParts(bytes: Buffer, assetId: string, partNumbers: number[]): Promise<void> {
  const urls = await partUrls(assetId, partNumbers);
  for (const partNumber of partNumbers) {
    const response = await putPart(urls.get(partNumber) as SignedPart, slice(bytes, partNumber));
    expect(response.status, `part ${partNumber}: ${response.status === 200 ? '' : await response.text()}`).toBe(200);
  }
}

async function assetRow(id: string) {
  const [row] = await database().db.select().from(assets).where(eq(assets.id, id));
  return row;
}

async function receivedParts(assetId: string): Promise<number[]> {
  const response = await listParts(assetId);
  expect(response.status).toBe(200);
  return ((await response.json()) as { received: { partNumber: number }[] }).received.map((part) => part.partNumber);
}

interface Driver {
  name: 'local' | 's3';
  storage: () => Storage;
  /** Part data the driver still holds for this upload (its local part folder, its s3rver upload folder). */
  partsLeft: (uploadId: string) => Promise<string[]>;
}

function localDriver(): Driver & { setup: () => Promise<void>; teardown: () => Promise<void> } {
  let root = '';
  let storage: LocalStorage | undefined;
  return {
    name: 'local',
    storage: () => storage as LocalStorage,
    partsLeft: async (uploadId) => (await fs.readdir(path.join(root, '.parts', uploadId)).catch(() => [])).map(String),
    setup: async () => {
      root = await fs.mkdtemp(path.join(os.tmpdir(), 'loupe-parts-'));
      storage = new LocalStorage(root);
    },
    teardown: () => fs.rm(root, { recursive: true, force: true }),
  };
}

function s3Driver(): Driver & { setup: () => Promise<void>; teardown: () => Promise<void> } {
  let s3: S3rverHandle | undefined;
  return {
    name: 's3',
    storage: () => (s3 as S3rverHandle).storage,
    partsLeft: async (uploadId) => {
      const handle = s3 as S3rverHandle;
      return (await fs.readdir(path.join(handle.directory, handle.bucket, '._S3rver_uploads', uploadId)).catch(() => [])).map(String);
    },
    setup: async () => {
      s3 = await startS3rver();
    },
    teardown: async () => s3?.stop(),
  };
}

describe.each([localDriver(), s3Driver()])('parted uploads on $name storage', (driver) => {
  beforeAll(async () => {
    await driver.setup();
    useStorageForTests(driver.storage());
  });
  afterAll(async () => {
    useStorageForTests(undefined);
    await driver.teardown();
  });

  it('uploads in parts, lists what arrived so a client can resume, completes with size and SHA-256 checked, and derives', async () => {
    const bytes = await bigPng();
    const { assetId, parts } = await announceParted(bytes);
    expect(parts.partCount).toBe(3);
    expect(parts.url).toMatch(new RegExp(`/api/uploads/${assetId}/parts$`));
    expect((await assetRow(assetId)).uploadKey).toBeNull();

    const { multipartUploadId } = await assetRow(assetId);
    await sendParts(bytes, assetId, [1, 3]);
    expect(await driver.partsLeft(multipartUploadId ?? '')).not.toEqual([]);
    const listing = (await (await listParts(assetId)).json()) as { size: number; partSize: number; partCount: number; received: { partNumber: number; size: number }[] };
    expect(listing).toEqual({ assetId, size: bytes.length, partSize: PART, partCount: 3, received: [{ partNumber: 1, size: PART }, { partNumber: 3, size: bytes.length - 2 * PART }] });

    // The resuming client sends only what is missing.
    const kept = (await partUrls(assetId, [2])).get(2) as SignedPart;
    await sendParts(bytes, assetId, [2]);
    expect(await receivedParts(assetId)).toEqual([1, 2, 3]);
    const response = await complete(assetId, { sha256: sha256(bytes) });
    expect(response.status).toBe(202);
    await runAfterTasks();

    const row = await assetRow(assetId);
    expect(row).toMatchObject({ sha256: sha256(bytes), declaredSha256: sha256(bytes), sizeBytes: bytes.length, format: 'png', width: 2400, height: 1800, multipartUploadId: null });
    expect(row.state).toMatch(/^(derived|described|embedded|failed_describe|failed_embed)$/);
    const stored = await driver.storage().get(row.originalKey);
    const chunks: Buffer[] = [];
    for await (const chunk of stored ?? []) chunks.push(chunk as Buffer);
    expect(sha256(Buffer.concat(chunks))).toBe(sha256(bytes));
    expect(await driver.partsLeft(multipartUploadId ?? '')).toEqual([]);
    // Its part URLs write nothing any more, and no new ones are signed.
    expect((await putPart(kept, slice(bytes, 2))).status).toBe(404);
    expect(await errorOf(await signParts(assetId, [2]))).toEqual({ status: 409, code: 'already_completed' });
    expect(await driver.partsLeft(multipartUploadId ?? '')).toEqual([]);
  });

  it('a part number out of range → 422 part_out_of_range (below 1: validation_failed from the schema); the upload goes on', async () => {
    const bytes = await bigPng();
    const { assetId } = await announceParted(bytes);
    expect(await errorOf(await signParts(assetId, [0]))).toEqual({ status: 422, code: 'validation_failed' });
    expect(await errorOf(await signParts(assetId, [2, 4]))).toEqual({ status: 422, code: 'part_out_of_range' });
    await sendParts(bytes, assetId, [1, 2, 3]);
    expect((await complete(assetId)).status).toBe(202);
  });

  it('a part bigger than planned is refused (local: 413 part_too_large at once; S3: 422 part_size_mismatch at completion); sent again, it completes', async () => {
    const bytes = await bigPng();
    const { assetId } = await announceParted(bytes);
    await sendParts(bytes, assetId, [1, 2]);
    const urls = await partUrls(assetId, [3]);
    const oversized = Buffer.concat([slice(bytes, 3), Buffer.alloc(1000, 7)]);
    const put = await putPart(urls.get(3) as SignedPart, oversized);
    if (driver.name === 'local') {
      expect(await errorOf(put)).toEqual({ status: 413, code: 'part_too_large' });
      expect(await receivedParts(assetId)).toEqual([1, 2]);
    } else {
      // S3 takes any length the URL does not pin; completion checks every part's size against the plan.
      expect(put.status === 200 || put.status === 403).toBe(true);
      if (put.status === 200) expect(await errorOf(await complete(assetId))).toEqual({ status: 422, code: 'part_size_mismatch' });
    }
    expect((await assetRow(assetId)).state).toBe('awaiting_upload');
    await sendParts(bytes, assetId, [3]);
    expect((await complete(assetId, { sha256: sha256(bytes) })).status).toBe(202);
  });

  it('completing with parts missing → 422 parts_missing naming them; nothing is assembled and the upload can still finish', async () => {
    const bytes = await bigPng();
    const { assetId } = await announceParted(bytes);
    await sendParts(bytes, assetId, [2]);
    const response = await complete(assetId);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(response.status).toBe(422);
    expect(body.error.code).toBe('parts_missing');
    expect(body.error.message).toContain('part 1, 3');
    const row = await assetRow(assetId);
    expect(row).toMatchObject({ state: 'awaiting_upload', claimToken: null });
    expect(await driver.storage().head(row.originalKey)).toBeNull();
    expect(await receivedParts(assetId)).toEqual([2]);
    await sendParts(bytes, assetId, [1, 3]);
    expect((await complete(assetId)).status).toBe(202);
  });

  it('a wrong SHA-256 → 422 hash_mismatch; the assembled file and its parts are deleted, the asset marked failed', async () => {
    const bytes = await bigPng();
    const { assetId } = await announceParted(bytes);
    const { multipartUploadId } = await assetRow(assetId);
    await sendParts(bytes, assetId, [1, 2, 3]);
    expect(await errorOf(await complete(assetId, { sha256: sha256(Buffer.from('other bytes')) }))).toEqual({ status: 422, code: 'hash_mismatch' });
    const row = await assetRow(assetId);
    expect(row).toMatchObject({ state: 'failed_upload', errorCode: 'hash_mismatch', sha256: null, multipartUploadId: null });
    expect(await driver.storage().head(row.originalKey)).toBeNull();
    expect(await driver.partsLeft(multipartUploadId ?? '')).toEqual([]);
  });

  it('a SHA-256 at completion that contradicts the announced one → 422 hash_mismatch', async () => {
    const bytes = await bigPng();
    const { assetId } = await announceParted(bytes, editor, { sha256: sha256(bytes) });
    await sendParts(bytes, assetId, [1, 2, 3]);
    expect(await errorOf(await complete(assetId, { sha256: sha256(Buffer.from('x')) }))).toEqual({ status: 422, code: 'hash_mismatch' });
  });

  it('a size mismatch (the last part shorter than planned) is refused (local: 422 size_mismatch at once; S3: 422 part_size_mismatch at completion)', async () => {
    const bytes = await bigPng();
    const { assetId } = await announceParted(bytes);
    await sendParts(bytes, assetId, [1, 2]);
    const urls = await partUrls(assetId, [3]);
    const put = await putPart(urls.get(3) as SignedPart, slice(bytes, 3).subarray(0, 1000));
    if (driver.name === 'local') {
      expect(await errorOf(put)).toEqual({ status: 422, code: 'size_mismatch' });
      expect(await errorOf(await complete(assetId))).toEqual({ status: 422, code: 'parts_missing' });
    } else {
      expect(put.status === 200 || put.status === 403).toBe(true);
      if (put.status === 200) expect(await errorOf(await complete(assetId))).toEqual({ status: 422, code: 'part_size_mismatch' });
    }
    expect((await assetRow(assetId)).state).toBe('awaiting_upload');
  });

  it("another person's upload id → 404 on listing, signing and completing; the owner's upload is untouched", async () => {
    const bytes = await bigPng();
    const { assetId } = await announceParted(bytes);
    await sendParts(bytes, assetId, [1]);
    expect(await errorOf(await listParts(assetId, otherEditor))).toEqual({ status: 404, code: 'not_found' });
    expect(await errorOf(await signParts(assetId, [2], otherEditor))).toEqual({ status: 404, code: 'not_found' });
    expect(await errorOf(await complete(assetId, { account: otherEditor }))).toEqual({ status: 404, code: 'not_found' });
    expect(await receivedParts(assetId)).toEqual([1]);
    await sendParts(bytes, assetId, [2, 3]);
    expect((await complete(assetId)).status).toBe(202);
  });

  it('an abandoned parted upload is aborted by the cleanup: its parts and its row are gone', async () => {
    const bytes = await bigPng();
    const { assetId } = await announceParted(bytes);
    await sendParts(bytes, assetId, [1, 2]);
    const row = await assetRow(assetId);
    expect(await driver.storage().listParts(row.originalKey, row.multipartUploadId ?? '')).toHaveLength(2);
    await database().db.update(assets).set({ uploadExpiresAt: sql`now() - interval '2 hours'` }).where(eq(assets.id, assetId));
    expect(await removeAbandonedUploads(database().db)).toBeGreaterThanOrEqual(1);
    expect(await assetRow(assetId)).toBeUndefined();
    expect(await driver.storage().listParts(row.originalKey, row.multipartUploadId ?? '')).toBeNull();
    expect(await driver.partsLeft(row.multipartUploadId ?? '')).toEqual([]);
  });

  it('files under the threshold still go in one PUT', async () => {
    const bytes = await testJpeg(driver.name === 'local' ? 9001 : 9002);
    if (driver.name === 'local') {
      const { complete: done } = await uploadThroughApi(editor, bytes);
      expect(done.status).toBe(202);
    } else {
      const response = await startUpload(editor, bytes);
      expect(((await response.json()) as { upload?: { url: string } }).upload?.url).toBeDefined();
    }
  });
});

describe('the parts routes: the guard', () => {
  it('anonymous → 401, a viewer → 403, on listing and signing', async () => {
    const id = crypto.randomUUID();
    expect(await errorOf(await call(listPartsRoute, { params: { id } }))).toEqual({ status: 401, code: 'unauthenticated' });
    expect(await errorOf(await call(signPartsRoute, { method: 'POST', params: { id }, body: { partNumbers: [1] } }))).toEqual({ status: 401, code: 'unauthenticated' });
    expect(await errorOf(await call(listPartsRoute, { bearer: viewer.token, params: { id } }))).toEqual({ status: 403, code: 'forbidden' });
    expect(await errorOf(await call(signPartsRoute, { method: 'POST', bearer: viewer.token, params: { id }, body: { partNumbers: [1] } }))).toEqual({ status: 403, code: 'forbidden' });
  });

  it('a part URL with a changed part number or upload id → 403 invalid_signature', async () => {
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'loupe-parts-'));
    useStorageForTests(new LocalStorage(root));
    try {
      const bytes = await bigPng();
      const { assetId } = await announceParted(bytes);
      const part = (await partUrls(assetId, [1])).get(1) as SignedPart;
      const tampered = new URL(part.url);
      tampered.searchParams.set('part', '2');
      expect(await errorOf(await putPart({ ...part, url: tampered.toString() }, slice(bytes, 2)))).toEqual({ status: 403, code: 'invalid_signature' });
      expect(await receivedParts(assetId)).toEqual([]);
    } finally {
      useStorageForTests(undefined);
      await fs.rm(root, { recursive: true, force: true });
    }
  });
});
