import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GET as getAssetRoute } from '@/app/api/assets/[id]/route';
import { PUT as putFileRoute } from '@/app/api/files/[...key]/route';
import { assets } from '@/db/schema';
import type { AssetView } from '@/lib/assets';
import { useStorageForTests } from '@/lib/storage';
import { call, makeAccount, type TestAccount } from '@/test/auth';
import { useTestDatabase } from '@/test/db';
import { announceUpload, completeUpload, putToSignedUrl, sha256, testJpeg, useTemporaryLocalStorage } from '@/test/ingest';
import { startS3rver, type S3rverHandle } from '@/test/s3rver';

vi.mock('next/server', async (original) => ({ ...(await original<object>()), after: (await import('@/lib/ingest/after-capture')).captureAfter }));

/** Issue 12, item 2: the bytes served are always the bytes whose SHA-256 completion verified. */

async function viewOf(account: TestAccount, assetId: string): Promise<AssetView> {
  return (await (await call(getAssetRoute, { bearer: account.token, params: { id: assetId } })).json()) as AssetView;
}

/** A same-sized JPEG with other pixels: what an attacker holding the upload URL would swap in. */
async function swapFor(bytes: Buffer, seed: number): Promise<Buffer> {
  const other = Buffer.from(await testJpeg(seed));
  const swapped = Buffer.alloc(bytes.length, 0);
  other.copy(swapped, 0, 0, Math.min(other.length, bytes.length));
  return swapped;
}

describe('verified originals on local storage', () => {
  const database = useTestDatabase();
  const files = useTemporaryLocalStorage();
  let editor: TestAccount;
  beforeAll(async () => {
    editor = await makeAccount(database().db, 'editor');
  });

  it('keeps the verified bytes when a slow PUT started before completion finishes after it, and refuses that PUT', async () => {
    const bytes = await testJpeg(7001);
    const { assetId, upload } = await announceUpload(editor, bytes);
    expect((await putToSignedUrl(upload.url, bytes)).status).toBe(200);

    // The second PUT passes the open-upload check, sends half its body, and stalls until completion is done.
    const swapped = await swapFor(bytes, 7002);
    let resume: () => void = () => {};
    const resumed = new Promise<void>((resolve) => (resume = resolve));
    // The route asks for more once it has taken the first half, which it reads only after the open-upload check.
    let reading: () => void = () => {};
    const bodyRead = new Promise<void>((resolve) => (reading = resolve));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(swapped.subarray(0, 1000)));
      },
      async pull(controller) {
        reading();
        await resumed;
        controller.enqueue(new Uint8Array(swapped.subarray(1000)));
        controller.close();
      },
    });
    const url = new URL(upload.url, 'http://loupe.test');
    const key = decodeURIComponent(url.pathname.replace(/^\/api\/files\//, '')).split('/');
    const slow = putFileRoute(new Request(url, { method: 'PUT', headers: { 'content-type': 'image/jpeg' }, body, duplex: 'half' } as RequestInit), {
      params: Promise.resolve({ key }),
    });
    await bodyRead;

    expect((await completeUpload(editor, assetId)).status).toBe(202);
    resume();
    const late = await slow;
    expect(late.status).toBe(409);
    expect((await late.json()).error.code).toBe('upload_closed');

    const [row] = await database().db.select().from(assets).where(eq(assets.id, assetId));
    expect(row.sha256).toBe(sha256(bytes));
    const stored = await files().storage.get(row.originalKey);
    const chunks: Buffer[] = [];
    for await (const chunk of stored ?? []) chunks.push(chunk as Buffer);
    expect(sha256(Buffer.concat(chunks))).toBe(sha256(bytes));
    expect(await files().storage.head(row.uploadKey ?? '')).toBeNull();
    // The upload URL never names the original's key.
    expect(upload.url).not.toContain(row.originalKey);
  });

  it('refuses a PUT after completion with 409, leaving the original as verified', async () => {
    const bytes = await testJpeg(7003);
    const { assetId, upload } = await announceUpload(editor, bytes);
    expect((await putToSignedUrl(upload.url, bytes)).status).toBe(200);
    expect((await completeUpload(editor, assetId)).status).toBe(202);
    const again = await putToSignedUrl(upload.url, await swapFor(bytes, 7004));
    expect(again.status).toBe(409);
    const [row] = await database().db.select().from(assets).where(eq(assets.id, assetId));
    expect((await files().storage.head(row.originalKey))?.size).toBe(bytes.length);
    expect(await files().storage.head(row.uploadKey ?? '')).toBeNull();
  });

  it.each([
    ['x.html', 'x.jpg'],
    ['invoice.exe', 'invoice.jpg'],
    ['Summer shoot 2.5 front', 'Summer shoot 2.5 front.jpg'],
    ['coat.JPEG', 'coat.JPEG'],
  ])('names the download of a JPEG uploaded as %s after what it is: %s', async (filename, expected) => {
    const bytes = await testJpeg(7100 + filename.length);
    const { assetId, upload } = await announceUpload(editor, bytes, { filename });
    expect((await putToSignedUrl(upload.url, bytes)).status).toBe(200);
    expect((await completeUpload(editor, assetId)).status).toBe(202);
    const view = await viewOf(editor, assetId);
    expect(new URL(view.downloadUrl ?? '', 'http://loupe.test').searchParams.get('dl')).toBe(expected);
  });
});

describe('verified originals on S3 (s3rver)', () => {
  const database = useTestDatabase();
  let s3: S3rverHandle;
  let editor: TestAccount;
  beforeAll(async () => {
    s3 = await startS3rver();
    useStorageForTests(s3.storage);
    editor = await makeAccount(database().db, 'editor');
  });
  afterAll(async () => {
    useStorageForTests(undefined);
    await s3.stop();
  });

  it('serves the verified bytes after the presigned PUT is replayed with another body, and names the download by type', async () => {
    const bytes = await testJpeg(7201);
    const { assetId, upload } = (await announceUpload(editor, bytes, { filename: 'shirt.html' })) as {
      assetId: string;
      upload: { url: string; method: string; headers: Record<string, string> };
    };
    const put = (body: Buffer) => fetch(upload.url, { method: upload.method, headers: upload.headers, body: new Uint8Array(body) });
    expect((await put(bytes)).status).toBe(200);
    expect((await completeUpload(editor, assetId)).status).toBe(202);
    const [row] = await database().db.select().from(assets).where(eq(assets.id, assetId));
    expect(await s3.storage.head(row.uploadKey ?? '')).toBeNull();

    await put(await swapFor(bytes, 7202));
    const view = await viewOf(editor, assetId);
    const served = await fetch(view.downloadUrl ?? '');
    expect(sha256(Buffer.from(await served.arrayBuffer()))).toBe(sha256(bytes));
    expect(served.headers.get('content-disposition')).toContain('filename="shirt.jpg"');
  });
});
