import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { GET as getFileRoute } from '@/app/api/files/[...key]/route';
import { assets } from '@/db/schema';
import type { AssetView } from '@/lib/assets';
import { call, makeAccount, type TestAccount } from '@/test/auth';
import { runAfterTasks } from '@/lib/ingest';
import { orphanedKeys, startUpload, storedKeys, testJpeg, uploadThroughApi, useTemporaryLocalStorage } from '@/test/ingest';
import { newDerivativePrefix, newOriginalKey } from '@/lib/storage';
import { useTestDatabase } from '@/test/db';
import { DELETE as emptyTrashRoute } from '@/app/api/trash/route';
import { DELETE as deleteAssetRoute, GET as getAssetRoute } from './[id]/route';
import { GET as listAssetsRoute } from './route';

vi.mock('next/server', async (original) => ({ ...(await original<object>()), after: (await import('@/lib/ingest/after-capture')).captureAfter }));

const database = useTestDatabase();
const files = useTemporaryLocalStorage();
let editor: TestAccount;
let viewer: TestAccount;
const uploaded: string[] = [];

async function list(query: string, account: TestAccount = viewer): Promise<Response> {
  return call(listAssetsRoute, { bearer: account.token, path: `/api/assets${query}` });
}

async function fetchFile(url: string): Promise<Response> {
  const parsed = new URL(url, 'http://loupe.test');
  return getFileRoute(new Request(parsed), { params: Promise.resolve({ key: parsed.pathname.replace('/api/files/', '').split('/') }) });
}

async function errorOf(response: Response): Promise<{ status: number; code: string }> {
  return { status: response.status, code: ((await response.json()) as { error: { code: string } }).error.code };
}

beforeAll(async () => {
  editor = await makeAccount(database().db, 'editor');
  viewer = await makeAccount(database().db, 'viewer');
  for (let seed = 0; seed < 5; seed++) {
    const { assetId } = await uploadThroughApi(editor, await testJpeg(200 + seed), { filename: `product-${seed}.jpg`, tags: ['shirts'] });
    uploaded.push(assetId);
  }
  await runAfterTasks();
  // Not in the library: an upload that never arrived, and one that was rejected.
  await startUpload(editor, await testJpeg(300));
  await uploadThroughApi(editor, Buffer.from('plain text'), { filename: 'fake.jpg' });
});

describe('GET /api/assets', () => {
  it('pages through the library newest first with a keyset cursor, leaving out unfinished uploads', async () => {
    const seen: AssetView[] = [];
    let cursor: string | null = null;
    do {
      const response = await list(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.status).toBe(200);
      const page = (await response.json()) as { items: AssetView[]; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.map((asset) => asset.id)).toEqual([...uploaded].reverse());
    expect(seen.every((asset) => asset.derivatives.grid !== null)).toBe(true);
  });

  it('orders assets created in the same microsecond by id, never skipping or repeating one', async () => {
    const instant = sql`'2020-01-01T00:00:00.123456Z'::timestamptz`;
    const rows = await database()
      .db.insert(assets)
      .values(
        Array.from({ length: 3 }, (_, index) => ({
          filename: `same-time-${index}.jpg`,
          declaredType: 'image/jpeg',
          declaredSize: 1,
          declaredSha256: 'a'.repeat(64),
          originalKey: newOriginalKey(),
          derivativePrefix: newDerivativePrefix(),
          state: 'stored' as const,
          createdAt: instant,
        })),
      )
      .returning({ id: assets.id });
    const expected = rows.map((r) => r.id).sort().reverse();
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (await (await list(`?limit=1${cursor ? `&cursor=${cursor}` : ''}`)).json()) as { items: AssetView[]; nextCursor: string | null };
      ids.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(ids.slice(-3)).toEqual(expected);
    await database().db.delete(assets).where(sql`${assets.createdAt} = ${instant}`);
  });

  it('refuses a limit outside 1..100 (422) and a forged cursor (400)', async () => {
    expect(await errorOf(await list('?limit=0'))).toEqual({ status: 422, code: 'validation_failed' });
    expect(await errorOf(await list('?limit=101'))).toEqual({ status: 422, code: 'validation_failed' });
    expect(await errorOf(await list('?limit=ten'))).toEqual({ status: 422, code: 'validation_failed' });
    expect(await errorOf(await list('?cursor=bm90LWEtY3Vyc29y'))).toEqual({ status: 400, code: 'bad_request' });
  });

  it('needs a signed-in caller', async () => {
    expect(await errorOf(await call(listAssetsRoute, { path: '/api/assets' }))).toEqual({ status: 401, code: 'unauthenticated' });
  });
});

describe('GET /api/assets/:id', () => {
  it('answers the asset view with working signed derivative and download URLs', async () => {
    const response = await call(getAssetRoute, { bearer: viewer.token, params: { id: uploaded[0] } });
    expect(response.status).toBe(200);
    const asset = (await response.json()) as AssetView;
    expect(asset).toMatchObject({ id: uploaded[0], filename: 'product-0.jpg', format: 'jpeg', mimeType: 'image/jpeg', width: 640, height: 480, tags: ['shirts'], decorative: false });
    expect(asset.metadata).toMatchObject({ format: 'jpeg', width: 640, height: 480, orientationApplied: false, colourSpace: 'srgb', hasAlpha: false });
    expect(asset.alt).toMatchObject({ version: 1 });
    expect(asset.derivatives.vision).toMatchObject({ width: 640, height: 480 });
    expect(JSON.stringify(asset)).not.toContain('"o/');

    const grid = await fetchFile(asset.derivatives.grid?.url ?? '');
    expect(grid.status).toBe(200);
    expect(grid.headers.get('content-type')).toBe('image/webp');
    const download = await fetchFile(asset.downloadUrl ?? '');
    expect(download.headers.get('content-disposition')).toContain('filename="product-0.jpg"');
    // The same URL for a while, so browsers reuse what they cached.
    const again = (await (await call(getAssetRoute, { bearer: viewer.token, params: { id: uploaded[0] } })).json()) as AssetView;
    expect(again.derivatives.grid?.url).toBe(asset.derivatives.grid?.url);
  });

  it('answers 404 not_found for unknown and malformed ids alike', async () => {
    expect(await errorOf(await call(getAssetRoute, { bearer: viewer.token, params: { id: crypto.randomUUID() } }))).toEqual({ status: 404, code: 'not_found' });
    expect(await errorOf(await call(getAssetRoute, { bearer: viewer.token, params: { id: "1' or '1'='1" } }))).toEqual({ status: 404, code: 'not_found' });
  });
});

describe('DELETE /api/assets/:id', () => {
  it('is refused to a viewer, removing nothing', async () => {
    const before = await storedKeys(files().root);
    expect(await errorOf(await call(deleteAssetRoute, { method: 'DELETE', bearer: viewer.token, params: { id: uploaded[1] } }))).toEqual({ status: 403, code: 'forbidden' });
    expect(await storedKeys(files().root)).toEqual(before);
  });

  it('moves the asset to the trash (files kept); emptying the trash removes the row and every stored object, leaving the other assets intact', async () => {
    const [target] = await database().db.select().from(assets).where(eq(assets.id, uploaded[1]));
    const targetKeys = [target.originalKey, ...Object.values(target.derivatives ?? {}).map((d) => d.key)];
    const before = await storedKeys(files().root);
    expect(before).toEqual(expect.arrayContaining(targetKeys));

    const response = await call(deleteAssetRoute, { method: 'DELETE', bearer: editor.token, params: { id: uploaded[1] } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ deleted: uploaded[1], trashed: true });
    expect(await storedKeys(files().root)).toEqual(before);

    const admin = await makeAccount(database().db, 'admin');
    expect(await (await call(emptyTrashRoute, { method: 'DELETE', bearer: admin.token })).json()).toEqual({ purged: 1, remaining: 0 });
    expect(await storedKeys(files().root)).toEqual(before.filter((key) => !targetKeys.includes(key)));
    expect(await orphanedKeys(files().root)).toEqual([]);
    expect(await errorOf(await call(getAssetRoute, { bearer: viewer.token, params: { id: uploaded[1] } }))).toEqual({ status: 404, code: 'not_found' });
    expect(await errorOf(await call(deleteAssetRoute, { method: 'DELETE', bearer: editor.token, params: { id: uploaded[1] } }))).toEqual({ status: 404, code: 'not_found' });
    for (const other of uploaded.filter((id) => id !== uploaded[1])) {
      expect((await call(getAssetRoute, { bearer: viewer.token, params: { id: other } })).status).toBe(200);
    }
  });
});
