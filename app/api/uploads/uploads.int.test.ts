import fs from 'node:fs';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { GET as getFileRoute } from '@/app/api/files/[...key]/route';
import { assets } from '@/db/schema';
import { makeAccount, type TestAccount } from '@/test/auth';
import {
  announceUpload,
  completeUpload,
  orphanedKeys,
  putToSignedUrl,
  sha256,
  startUpload,
  storedKeys,
  testJpeg,
  uploadThroughApi,
  useTemporaryLocalStorage,
} from '@/test/ingest';
import { runAfterTasks } from '@/lib/ingest';
import { runAssetJobs } from '@/lib/jobs';
import { useTestDatabase } from '@/test/db';
import { fixturePath, fixturesAvailable } from '@/test/fixtures';
import { config, resetConfig } from '@/lib/config';

vi.mock('next/server', async (original) => ({ ...(await original<object>()), after: (await import('@/lib/ingest/after-capture')).captureAfter }));

const database = useTestDatabase();
const files = useTemporaryLocalStorage();
const fixtures = fixturesAvailable();

let editor: TestAccount;
let viewer: TestAccount;
/** An asset stored before every bad input below: each test checks it survives untouched. */
let keeper: { id: string; objects: string[] };

/** Derived or further along: the describe and embed steps belong to other issues and may still be retrying here. */
const DERIVED = expect.stringMatching(/^(derived|described|embedded|failed_describe|failed_embed)$/);

async function assetRow(id: string) {
  const [row] = await database().db.select().from(assets).where(eq(assets.id, id));
  return row;
}

async function expectNothingElseLost(): Promise<void> {
  const row = await assetRow(keeper.id);
  expect(row?.state).toEqual(DERIVED);
  const present = await storedKeys(files().root);
  for (const key of keeper.objects) expect(present).toContain(key);
  expect(await orphanedKeys(files().root)).toEqual([]);
}

async function errorOf(response: Response): Promise<{ status: number; code: string }> {
  const body = (await response.json()) as { error?: { code: string } };
  return { status: response.status, code: body.error?.code ?? '(none)' };
}

async function rowCount(): Promise<number> {
  return (await database().db.select({ id: assets.id }).from(assets)).length;
}

beforeAll(async () => {
  editor = await makeAccount(database().db, 'editor');
  viewer = await makeAccount(database().db, 'viewer');
  const { assetId, complete } = await uploadThroughApi(editor, await testJpeg(1), { filename: 'keeper.jpg' });
  expect(complete.status).toBe(202);
  await runAfterTasks();
  const row = await assetRow(assetId);
  keeper = { id: assetId, objects: [row.originalKey, ...Object.values(row.derivatives ?? {}).map((d) => d.key)] };
  expect(keeper.objects).toHaveLength(3);
});

describe('a good upload', () => {
  it('goes announce → PUT → complete (202) → derivatives, with a sanitised name and verified facts', async () => {
    const bytes = await testJpeg(2, 2000, 1000);
    const { assetId, complete } = await uploadThroughApi(editor, bytes, { filename: '../../shop/Été\u0001 shirt.jpg', tags: [' Summer ', 'summer', 'Shirts'] });
    expect(complete.status).toBe(202);
    expect(await complete.json()).toEqual({ assetId, state: 'stored' });
    await runAfterTasks();
    const row = await assetRow(assetId);
    expect(row).toMatchObject({ state: DERIVED, filename: 'Été shirt.jpg', sha256: sha256(bytes), sizeBytes: bytes.length, format: 'jpeg', mimeType: 'image/jpeg', width: 2000, height: 1000, tags: ['summer', 'shirts'], claimToken: null });
    expect(row.derivatives).toMatchObject({ vision: { width: 1200, height: 600 }, grid: { width: 400, height: 200 } });
    expect(row.originalKey).not.toContain('shirt');
    await expectNothingElseLost();
  });

  it('serves the derivative with nosniff and long private caching, and the original as an attachment', async () => {
    const { storage } = files();
    const row = await assetRow(keeper.id);
    const grid = row.derivatives?.grid;
    if (!grid) throw new Error('keeper has no grid derivative');
    const get = async (url: string) => {
      const parsed = new URL(url, 'http://loupe.test');
      return getFileRoute(new Request(parsed), { params: Promise.resolve({ key: parsed.pathname.replace('/api/files/', '').split('/') }) });
    };
    const derivative = await get(await storage.signedGetUrl(grid.key, { expiresInSeconds: 3600, contentType: 'image/webp' }));
    expect(derivative.status).toBe(200);
    expect(derivative.headers.get('content-type')).toBe('image/webp');
    expect(derivative.headers.get('x-content-type-options')).toBe('nosniff');
    expect(derivative.headers.get('cache-control')).toMatch(/^private, max-age=\d+, immutable$/);
    expect(Number(derivative.headers.get('cache-control')?.match(/max-age=(\d+)/)?.[1])).toBeGreaterThan(3000);
    expect(Buffer.from(await derivative.arrayBuffer()).length).toBe(grid.bytes);

    const elsewhere = new URL(await storage.signedGetUrl(grid.key, { expiresInSeconds: 3600, contentType: 'image/webp' }), 'http://loupe.test');
    elsewhere.pathname = `/api/files/${row.originalKey}`;
    expect(await errorOf(await get(elsewhere.toString()))).toEqual({ status: 403, code: 'invalid_signature' });
    expect(await errorOf(await get(await storage.signedGetUrl(grid.key, { expiresInSeconds: -3600, contentType: 'image/webp' })))).toEqual({ status: 403, code: 'url_expired' });

    const original = await get(await storage.signedGetUrl(row.originalKey, { expiresInSeconds: 60, downloadName: 'keeper.jpg', contentType: 'image/jpeg' }));
    expect(original.headers.get('content-disposition')).toContain('attachment; filename="keeper.jpg"');
    expect(sha256(Buffer.from(await original.arrayBuffer()))).toBe(row.sha256);
  });

  it('accepts PNG bytes sent as .jpg: the type comes from the content', async () => {
    if (!fixtures) return;
    const bytes = fs.readFileSync(fixturePath('images', 'broken', 'png_bytes_named.jpg'));
    const { assetId, complete } = await uploadThroughApi(editor, bytes, { filename: 'png_bytes_named.jpg' });
    expect(complete.status).toBe(202);
    await runAfterTasks();
    expect(await assetRow(assetId)).toMatchObject({ state: DERIVED, format: 'png', mimeType: 'image/png' });
  });
});

describe('duplicates', () => {
  it('answers 200 {duplicateOf} when the announced SHA-256 is already stored, creating nothing', async () => {
    const before = await rowCount();
    const keeperRow = await assetRow(keeper.id);
    const response = await startUpload(editor, Buffer.alloc(0), { size: keeperRow.sizeBytes ?? 0, sha256: keeperRow.sha256 ?? '' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ duplicateOf: keeper.id });
    expect(await rowCount()).toBe(before);
    await expectNothingElseLost();
  });

  it('keeps one copy when two identical uploads complete at once', async () => {
    const bytes = await testJpeg(3);
    const start = () => announceUpload(editor, bytes);
    const [first, second] = await Promise.all([start(), start()]);
    expect(first.assetId).not.toBe(second.assetId);
    expect((await putToSignedUrl(first.upload.url, bytes)).status).toBe(200);
    expect((await putToSignedUrl(second.upload.url, bytes)).status).toBe(200);
    const [a, b] = await Promise.all([completeUpload(editor, first.assetId), completeUpload(editor, second.assetId)]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([200, 202]);
    const [winner, loser] = a.status === 202 ? [first, second] : [second, first];
    expect(await (a.status === 200 ? a : b).json()).toEqual({ duplicateOf: winner.assetId });
    expect(await assetRow(loser.assetId)).toBeUndefined();
    await runAfterTasks();
    expect((await assetRow(winner.assetId)).state).toEqual(DERIVED);
    await expectNothingElseLost();
  });
});

describe('without a declared SHA-256 (a browser without WebCrypto, on plain HTTP)', () => {
  it('stores the upload, with the hash computed from the stored bytes', async () => {
    const bytes = await testJpeg(20);
    const { assetId, complete } = await uploadThroughApi(editor, bytes, { sha256: null });
    expect(complete.status).toBe(202);
    await runAfterTasks();
    expect(await assetRow(assetId)).toMatchObject({ state: DERIVED, declaredSha256: null, sha256: sha256(bytes), sizeBytes: bytes.length });
    await expectNothingElseLost();
  });

  it('uploads bytes already stored, then answers 200 {duplicateOf} at completion and keeps no second copy', async () => {
    const before = await rowCount();
    const bytes = await testJpeg(1);
    const started = await announceUpload(editor, bytes, { sha256: null });
    const { originalKey } = await assetRow(started.assetId);
    expect((await putToSignedUrl(started.upload.url, bytes)).status).toBe(200);
    const complete = await completeUpload(editor, started.assetId);
    expect(complete.status).toBe(200);
    expect(await complete.json()).toEqual({ duplicateOf: keeper.id });
    expect(await assetRow(started.assetId)).toBeUndefined();
    expect(await files().storage.head(originalKey)).toBeNull();
    expect(await rowCount()).toBe(before);
    await expectNothingElseLost();
  });

  it('still refuses a malformed SHA-256 with 422 validation_failed, creating nothing', async () => {
    const before = await rowCount();
    const bytes = await testJpeg(21);
    for (const malformed of ['', 'a'.repeat(63), 'g'.repeat(64), `${sha256(bytes)}0`]) {
      expect(await errorOf(await startUpload(editor, bytes, { sha256: malformed })), malformed).toEqual({ status: 422, code: 'validation_failed' });
    }
    expect(await rowCount()).toBe(before);
    await expectNothingElseLost();
  });
});

describe('bad input: a specific error, and nothing else lost', () => {
  it('zero-byte file → 422 empty_file, no row', async () => {
    const before = await rowCount();
    expect(await errorOf(await startUpload(editor, Buffer.alloc(0), { filename: 'empty.jpg' }))).toEqual({ status: 422, code: 'empty_file' });
    expect(await rowCount()).toBe(before);
    await expectNothingElseLost();
  });

  it('over the size limit → 413 file_too_large, no row', async () => {
    const before = await rowCount();
    expect(await errorOf(await startUpload(editor, Buffer.alloc(1), { size: config().upload.maxBytes + 1 }))).toEqual({ status: 413, code: 'file_too_large' });
    expect(await rowCount()).toBe(before);
    await expectNothingElseLost();
  });

  it('SVG declared → 415 svg_refused; a type that is not an image → 415 unsupported_type', async () => {
    const before = await rowCount();
    expect(await errorOf(await startUpload(editor, Buffer.from('<svg/>'), { filename: 'logo.svg', contentType: 'image/svg+xml' }))).toEqual({ status: 415, code: 'svg_refused' });
    expect(await errorOf(await startUpload(editor, Buffer.from('%PDF'), { filename: 'a.pdf', contentType: 'application/pdf' }))).toEqual({ status: 415, code: 'unsupported_type' });
    expect(await rowCount()).toBe(before);
    await expectNothingElseLost();
  });

  it('a filename that is only path parts → 422 invalid_filename; a 300-character one is shortened, keeping .jpg', async () => {
    expect(await errorOf(await startUpload(editor, await testJpeg(4), { filename: '../..' }))).toEqual({ status: 422, code: 'invalid_filename' });
    const long = await startUpload(editor, await testJpeg(5), { filename: `${'x'.repeat(296)}.jpg` });
    expect(long.status).toBe(201);
    const row = await assetRow(((await long.json()) as { assetId: string }).assetId);
    expect(row.filename).toHaveLength(200);
    expect(row.filename.endsWith('.jpg')).toBe(true);
    await expectNothingElseLost();
  });

  it('a malformed body → 422 validation_failed; a viewer → 403 forbidden', async () => {
    const before = await rowCount();
    expect(await errorOf(await startUpload(editor, Buffer.from('x'), { sha256: 'not-a-hash' }))).toEqual({ status: 422, code: 'validation_failed' });
    expect(await errorOf(await startUpload(viewer, await testJpeg(6)))).toEqual({ status: 403, code: 'forbidden' });
    expect(await rowCount()).toBe(before);
    await expectNothingElseLost();
  });

  it('a non-image renamed .jpg → 415 not_an_image; its object is deleted and the asset marked failed', async () => {
    const bytes = Buffer.from('Dear customer, this is not a photo.\n');
    const { assetId, complete } = await uploadThroughApi(editor, bytes, { filename: 'notanimage.jpg' });
    expect(await errorOf(complete)).toEqual({ status: 415, code: 'not_an_image' });
    const row = await assetRow(assetId);
    expect(row).toMatchObject({ state: 'failed_upload', errorCode: 'not_an_image', claimToken: null });
    expect(await files().storage.head(row.originalKey)).toBeNull();
    await expectNothingElseLost();
  });

  it('HTML named .png → 415 not_an_image, never stored', async () => {
    const bytes = Buffer.from('<html><img src=x onerror="alert(1)"><script>alert(2)</script></html>');
    const { assetId, complete } = await uploadThroughApi(editor, bytes, { filename: 'photo.png', contentType: 'image/png' });
    expect(await errorOf(complete)).toEqual({ status: 415, code: 'not_an_image' });
    expect(await files().storage.head((await assetRow(assetId)).originalKey)).toBeNull();
    await expectNothingElseLost();
  });

  it('SVG bytes declared as PNG → 415 svg_refused at completion', async () => {
    const bytes = Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>');
    const { complete } = await uploadThroughApi(editor, bytes, { filename: 'logo.png', contentType: 'image/png' });
    expect(await errorOf(complete)).toEqual({ status: 415, code: 'svg_refused' });
    await expectNothingElseLost();
  });

  it('stored bytes that differ from the declared SHA-256 → 422 hash_mismatch; the object is deleted', async () => {
    const bytes = await testJpeg(7);
    const { assetId, complete } = await uploadThroughApi(editor, bytes, { sha256: sha256(Buffer.from('something else')) });
    expect(await errorOf(complete)).toEqual({ status: 422, code: 'hash_mismatch' });
    const row = await assetRow(assetId);
    expect(row).toMatchObject({ state: 'failed_upload', errorCode: 'hash_mismatch', sha256: null });
    expect(await files().storage.head(row.originalKey)).toBeNull();
    expect(await errorOf(await completeUpload(editor, assetId))).toEqual({ status: 409, code: 'already_completed' });
    await expectNothingElseLost();
  });

  it('stored bytes that differ from the declared size → 422 size_mismatch (e.g. an S3 PUT that ignored the length)', async () => {
    const bytes = await testJpeg(8);
    const started = await announceUpload(editor, bytes, { size: bytes.length + 10 });
    const row = await assetRow(started.assetId);
    await files().storage.put(row.originalKey, bytes, { contentType: 'image/jpeg' });
    expect(await errorOf(await completeUpload(editor, started.assetId))).toEqual({ status: 422, code: 'size_mismatch' });
    expect(await assetRow(started.assetId)).toMatchObject({ state: 'failed_upload', errorCode: 'size_mismatch' });
    expect(await files().storage.head(row.originalKey)).toBeNull();
    await expectNothingElseLost();
  });

  it('an object that arrived empty (e.g. a zero-byte S3 PUT) → 422 empty_file; asset marked failed, nothing left', async () => {
    const bytes = await testJpeg(16);
    const started = await announceUpload(editor, bytes);
    const row = await assetRow(started.assetId);
    await files().storage.put(row.originalKey, Buffer.alloc(0), { contentType: 'image/jpeg' });
    expect(await errorOf(await completeUpload(editor, started.assetId))).toEqual({ status: 422, code: 'empty_file' });
    expect(await assetRow(started.assetId)).toMatchObject({ state: 'failed_upload', errorCode: 'empty_file' });
    expect(await files().storage.head(row.originalKey)).toBeNull();
    await expectNothingElseLost();
  });

  it('a PUT longer than signed → 413 file_too_large, a shorter one → 422 size_mismatch; nothing is left in storage', async () => {
    const bytes = await testJpeg(9);
    const started = await announceUpload(editor, bytes);
    expect(await errorOf(await putToSignedUrl(started.upload.url, Buffer.concat([bytes, Buffer.alloc(10)])))).toEqual({ status: 413, code: 'file_too_large' });
    expect(await errorOf(await putToSignedUrl(started.upload.url, bytes.subarray(0, bytes.length - 10)))).toEqual({ status: 422, code: 'size_mismatch' });
    expect(await files().storage.head((await assetRow(started.assetId)).originalKey)).toBeNull();
    // The asset still awaits its upload, which can now succeed.
    expect((await putToSignedUrl(started.upload.url, bytes)).status).toBe(200);
    expect((await completeUpload(editor, started.assetId)).status).toBe(202);
    await runAfterTasks();
    await expectNothingElseLost();
  });

  it('completing before the bytes arrived → 422 upload_missing; the upload can still finish', async () => {
    const bytes = await testJpeg(10);
    const started = await announceUpload(editor, bytes);
    expect(await errorOf(await completeUpload(editor, started.assetId))).toEqual({ status: 422, code: 'upload_missing' });
    expect(await assetRow(started.assetId)).toMatchObject({ state: 'awaiting_upload', claimToken: null });
    expect((await putToSignedUrl(started.upload.url, bytes)).status).toBe(200);
    expect((await completeUpload(editor, started.assetId)).status).toBe(202);
    await runAfterTasks();
    await expectNothingElseLost();
  });

  it('completing twice → 409 already_completed, and the file can no longer be replaced through its URL', async () => {
    const bytes = await testJpeg(11);
    const started = await announceUpload(editor, bytes);
    expect((await putToSignedUrl(started.upload.url, bytes)).status).toBe(200);
    expect((await completeUpload(editor, started.assetId)).status).toBe(202);
    expect(await errorOf(await completeUpload(editor, started.assetId))).toEqual({ status: 409, code: 'already_completed' });
    expect(await errorOf(await putToSignedUrl(started.upload.url, await testJpeg(12)))).toEqual({ status: 409, code: 'already_completed' });
    await runAfterTasks();
    expect(await assetRow(started.assetId)).toMatchObject({ state: DERIVED, sha256: sha256(bytes) });
    await expectNothingElseLost();
  });

  it('an unknown or malformed asset id on complete → 404 not_found', async () => {
    expect(await errorOf(await completeUpload(editor, crypto.randomUUID()))).toEqual({ status: 404, code: 'not_found' });
    expect(await errorOf(await completeUpload(editor, 'not-a-uuid'))).toEqual({ status: 404, code: 'not_found' });
    await expectNothingElseLost();
  });

  it('an expired upload URL → 403 url_expired, nothing stored', async () => {
    const bytes = await testJpeg(13);
    const started = await announceUpload(editor, bytes);
    const row = await assetRow(started.assetId);
    const expired = await files().storage.signedPutUrl(row.originalKey, { expiresInSeconds: -3600, contentType: 'image/jpeg', size: bytes.length });
    expect(await errorOf(await putToSignedUrl(new URL(expired.url, 'http://loupe.test').toString(), bytes))).toEqual({ status: 403, code: 'url_expired' });
    expect(await files().storage.head(row.originalKey)).toBeNull();
    await expectNothingElseLost();
  });

  it("one asset's upload URL used for another asset's key, or with a changed size → 403 invalid_signature", async () => {
    const bytes = await testJpeg(14);
    const first = await announceUpload(editor, bytes);
    const second = await announceUpload(editor, await testJpeg(15));
    const firstUrl = new URL(first.upload.url);
    const secondUrl = new URL(second.upload.url);
    const crossed = new URL(secondUrl.pathname + firstUrl.search, firstUrl);
    expect(await errorOf(await putToSignedUrl(crossed.toString(), bytes))).toEqual({ status: 403, code: 'invalid_signature' });
    const resized = new URL(firstUrl);
    resized.searchParams.set('size', String(bytes.length + 1));
    expect(await errorOf(await putToSignedUrl(resized.toString(), Buffer.concat([bytes, Buffer.alloc(1)])))).toEqual({ status: 403, code: 'invalid_signature' });
    expect(await files().storage.head((await assetRow(second.assetId)).originalKey)).toBeNull();
    expect(await files().storage.head((await assetRow(first.assetId)).originalKey)).toBeNull();
    await expectNothingElseLost();
  });

  describe.skipIf(!fixtures)('files that store but cannot be processed keep their original', () => {
    const cases = [
      ['broken/truncated_50pct.jpg', 'corrupt_image', 'failed_derive'],
      ['broken/corrupt_header.jpg', 'corrupt_image', 'failed_derive'],
      ['broken/bad_crc_idat.png', 'corrupt_image', 'failed_derive'],
      ['broken/bomb_png_20000x14000.png', 'too_many_pixels', 'failed_derive'],
      ['broken/gif_huge_frame.gif', 'too_many_pixels', 'failed_derive'],
    ] as const;
    it.each(cases)('%s → %s', async (file, code, state) => {
      const bytes = fs.readFileSync(fixturePath('images', file));
      const { assetId, complete } = await uploadThroughApi(editor, bytes, { filename: file.split('/')[1], contentType: file.endsWith('.png') ? 'image/png' : file.endsWith('.gif') ? 'image/gif' : 'image/jpeg' });
      expect(complete.status).toBe(202);
      await runAfterTasks();
      const row = await assetRow(assetId);
      expect(row).toMatchObject({ state, errorCode: code, derivatives: null, claimToken: null });
      expect(row.error).toBeTruthy();
      expect(await files().storage.head(row.originalKey)).toEqual({ size: bytes.length });
      await expectNothingElseLost();
    });

    it.each([
      ['formats/heic_lossy.heic', 'image/heic', 'heic', 1200, 800],
      ['formats/bmp_24bit.bmp', 'image/bmp', 'bmp', 640, 480],
      ['formats/tiff_cielab.tif', 'image/tiff', 'tiff', 640, 480],
    ] as const)('%s, which prebuilt sharp cannot decode, is derived by the worker decoders', async (file, contentType, format, width, height) => {
      const bytes = fs.readFileSync(fixturePath('images', file));
      const { assetId, complete } = await uploadThroughApi(editor, bytes, { filename: file.split('/')[1], contentType });
      expect(complete.status).toBe(202);
      await runAfterTasks();
      const row = await assetRow(assetId);
      expect(row).toMatchObject({ state: DERIVED, format, width, height });
      expect(row.derivatives?.grid).toMatchObject({ width: 400 });
    });

    it('a truncated HEIC → failed_derive corrupt_image, original kept, nothing else lost', async () => {
      const bytes = fs.readFileSync(fixturePath('images', 'formats', 'heic_lossy.heic')).subarray(0, 30_000);
      const { assetId, complete } = await uploadThroughApi(editor, bytes, { filename: 'cut.heic', contentType: 'image/heic' });
      expect(complete.status).toBe(202);
      await runAfterTasks();
      const row = await assetRow(assetId);
      expect(row).toMatchObject({ state: 'failed_derive', errorCode: 'corrupt_image', derivatives: null });
      expect(row.error).toContain('HEIC image is damaged or truncated');
      expect(await files().storage.head(row.originalKey)).toEqual({ size: bytes.length });
      await expectNothingElseLost();
    });

    it('a 16x16 icon is stored, derived and marked decorative', async () => {
      const bytes = fs.readFileSync(fixturePath('images', 'formats', 'png_icon_16x16.png'));
      const { assetId } = await uploadThroughApi(editor, bytes, { filename: 'icon.png', contentType: 'image/png' });
      await runAfterTasks();
      expect(await assetRow(assetId)).toMatchObject({ state: DERIVED, decorative: true, width: 16, height: 16 });
    });
  });
});

it('reads the size limit from configuration', async () => {
  process.env.UPLOAD_MAX_BYTES = '1000';
  resetConfig();
  try {
    expect(await errorOf(await startUpload(editor, Buffer.alloc(1), { size: 1001 }))).toEqual({ status: 413, code: 'file_too_large' });
  } finally {
    delete process.env.UPLOAD_MAX_BYTES;
    resetConfig();
  }
  await expectNothingElseLost();
  // runAssetJobs on an asset with nothing due does nothing.
  expect(await runAssetJobs(database().db, keeper.id)).toEqual({ kind: 'skipped' });
});
