import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DELETE as deleteAssetRoute, GET as getAssetRoute } from '@/app/api/assets/[id]/route';
import { DELETE as emptyTrashRoute } from '@/app/api/trash/route';
import { assets } from '@/db/schema';
import type { AssetView } from '@/lib/assets';
import { call, makeAccount, type TestAccount } from '@/test/auth';
import { useStorageForTests } from '@/lib/storage';
import { useTestDatabase } from '@/test/db';
import { startS3rver, type S3rverHandle } from '@/test/s3rver';
import { runAfterTasks } from './after-capture';
import { completeUpload, sha256, startUpload, testJpeg } from '@/test/ingest';

vi.mock('next/server', async (original) => ({ ...(await original<object>()), after: (await import('@/lib/ingest/after-capture')).captureAfter }));

const database = useTestDatabase();
let s3: S3rverHandle;
let editor: TestAccount;
let admin: TestAccount;

beforeAll(async () => {
  s3 = await startS3rver();
  useStorageForTests(s3.storage);
  editor = await makeAccount(database().db, 'editor');
  admin = await makeAccount(database().db, 'admin');
});
afterAll(async () => {
  useStorageForTests(undefined);
  await s3.stop();
});

/** Announce, then PUT straight to S3 with the presigned request, as the browser does. */
async function uploadToS3(bytes: Buffer, spec: { sha256?: string } = {}): Promise<string> {
  const started = await startUpload(editor, bytes, spec);
  expect(started.status).toBe(201);
  const { assetId, upload } = (await started.json()) as { assetId: string; upload: { url: string; method: string; headers: Record<string, string> } };
  expect(upload.url.startsWith(s3.endpoint)).toBe(true);
  const put = await fetch(upload.url, { method: upload.method, headers: upload.headers, body: new Uint8Array(bytes) });
  expect(put.status).toBe(200);
  return assetId;
}

async function keysOf(id: string): Promise<string[]> {
  const [row] = await database().db.select().from(assets).where(eq(assets.id, id));
  return [row.originalKey, ...Object.values(row.derivatives ?? {}).map((d) => d.key)];
}

describe('uploads on the S3 driver (s3rver)', () => {
  it('stores, verifies and derives through S3, serves presigned URLs, and deletes every object', async () => {
    const bytes = await testJpeg(500, 1800, 1200);
    const assetId = await uploadToS3(bytes);
    expect((await completeUpload(editor, assetId)).status).toBe(202);
    await runAfterTasks();

    const view = (await (await call(getAssetRoute, { bearer: editor.token, params: { id: assetId } })).json()) as AssetView;
    expect(view).toMatchObject({ sha256: sha256(bytes), width: 1800, height: 1200, derivatives: { vision: { width: 1200, height: 800 }, grid: { width: 400, height: 267 } } });
    const grid = await fetch(view.derivatives.grid?.url ?? '');
    expect(grid.status).toBe(200);
    expect(grid.headers.get('content-type')).toBe('image/webp');
    const original = await fetch(view.downloadUrl ?? '');
    expect(sha256(Buffer.from(await original.arrayBuffer()))).toBe(sha256(bytes));

    const keys = await keysOf(assetId);
    expect(keys).toHaveLength(3);
    for (const key of keys) expect(await s3.storage.head(key)).not.toBeNull();
    // Deleting moves it to the trash, files kept; emptying the trash deletes them from the bucket.
    expect((await call(deleteAssetRoute, { method: 'DELETE', bearer: editor.token, params: { id: assetId } })).status).toBe(200);
    for (const key of keys) expect(await s3.storage.head(key)).not.toBeNull();
    expect((await call(emptyTrashRoute, { method: 'DELETE', bearer: admin.token })).status).toBe(200);
    for (const key of keys) expect(await s3.storage.head(key)).toBeNull();
  });

  it('deletes the S3 object of an upload whose bytes do not match the announced SHA-256', async () => {
    const bytes = await testJpeg(501);
    const assetId = await uploadToS3(bytes, { sha256: sha256(Buffer.from('other')) });
    const [originalKey] = await keysOf(assetId);
    const response = await completeUpload(editor, assetId);
    expect(response.status).toBe(422);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('hash_mismatch');
    expect(await s3.storage.head(originalKey)).toBeNull();
  });
});
