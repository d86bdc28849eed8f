import type { Readable } from 'node:stream';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { GET as getFile } from '@/app/api/files/[...key]/route';
import { eq } from 'drizzle-orm';
import { assets, type Asset } from '@/db/schema';
import { moveToTrash } from '@/lib/library';
import { LocalStorage, useStorageForTests } from '@/lib/storage';
import { call, makeAccount, type TestAccount } from '@/test/auth';
import { useTestDatabase } from '@/test/db';
import { useTemporaryLocalStorage } from '@/test/ingest';
import { storeDerivedAsset } from '@/test/renditions';
import { GET } from './route';

describe('GET /api/assets/{id}/renditions/{preset}', () => {
  const database = useTestDatabase();
  const files = useTemporaryLocalStorage();
  let viewer: TestAccount;
  let asset: Asset;

  beforeAll(async () => {
    viewer = await makeAccount(database().db, 'viewer');
    const original = await sharp({ create: { width: 1200, height: 900, channels: 3, background: '#C08040' } }).jpeg().toBuffer();
    asset = await storeDerivedAsset(database().db, files().storage, original, { filename: 'coat-red.jpg' });
  });

  const rendition = (preset: string, options: { id?: string; query?: string; headers?: Record<string, string> } = {}) =>
    call(GET, {
      bearer: viewer.token,
      path: `/api/assets/${options.id ?? asset.id}/renditions/${preset}${options.query ?? ''}`,
      params: { id: options.id ?? asset.id, preset },
      headers: options.headers,
    });

  it('redirects to a signed, immutable URL of the file, with its ETag; the URL serves the file', async () => {
    const answer = await rendition('google-merchant');
    expect(answer.status).toBe(302);
    expect(answer.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    expect(answer.headers.get('cache-control')).toBe('private, no-cache');
    const location = new URL(answer.headers.get('location') ?? '', 'http://loupe.test');
    expect(location.pathname).toMatch(/^\/api\/files\/r\/[A-Za-z0-9_-]{24}$/);
    const served = await call(getFile, { path: location.pathname + location.search, params: { key: location.pathname.replace('/api/files/', '').split('/') } });
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/jpeg');
    expect(served.headers.get('cache-control')).toMatch(/^private, max-age=\d+, immutable$/);
    expect(await sharp(Buffer.from(await served.arrayBuffer())).metadata()).toMatchObject({ width: 1500, height: 1500, format: 'jpeg' });
  });

  it('six concurrent first requests all redirect to one file, made by one sharp run', async () => {
    let renditionsWritten = 0;
    useStorageForTests(
      new (class extends LocalStorage {
        async put(key: string, body: Readable | Buffer): Promise<void> {
          if (key.startsWith('r/')) renditionsWritten += 1;
          return super.put(key, body);
        }
      })(files().root),
    );
    try {
      const answers = await Promise.all(Array.from({ length: 6 }, () => rendition('amazon-main')));
      expect(answers.map((answer) => answer.status)).toEqual([302, 302, 302, 302, 302, 302]);
      expect(new Set(answers.map((answer) => answer.headers.get('location'))).size).toBe(1);
      expect(renditionsWritten).toBe(1);
    } finally {
      useStorageForTests(files().storage);
    }
  });

  it('answers 304 to a matching If-None-Match, and the same redirect again otherwise', async () => {
    const first = await rendition('web-1200-webp');
    const etag = first.headers.get('etag') ?? '';
    const again = await rendition('web-1200-webp', { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(etag);
    const stale = await rendition('web-1200-webp', { headers: { 'if-none-match': '"0123"' } });
    expect(stale.status).toBe(302);
    expect(stale.headers.get('location')).toBe(first.headers.get('location'));
  });

  it('?download=1 signs a URL that saves the file under the photo\'s name and the preset\'s', async () => {
    const answer = await rendition('instagram-portrait', { query: '?download=1' });
    expect(new URL(answer.headers.get('location') ?? '', 'http://loupe.test').searchParams.get('dl')).toBe('coat-red-instagram-portrait.jpg');
  });

  it('answers an unknown preset with 404 preset_not_found', async () => {
    const answer = await rendition('billboard');
    expect(answer.status).toBe(404);
    expect((await answer.json()).error).toEqual({ code: 'preset_not_found', message: 'There is no preset named "billboard"; GET /api/presets lists them.' });
  });

  it('answers an unknown asset with 404 not_found', async () => {
    const answer = await rendition('google-merchant', { id: crypto.randomUUID() });
    expect(answer.status).toBe(404);
    expect((await answer.json()).error.code).toBe('not_found');
  });

  it('answers a photo that failed processing with 404 rendition_unavailable', async () => {
    const failed = await storeDerivedAsset(database().db, files().storage, await sharp({ create: { width: 50, height: 50, channels: 3, background: '#000' } }).png().toBuffer());
    await database().db.update(assets).set({ state: 'failed_derive' }).where(eq(assets.id, failed.id));
    const answer = await rendition('google-merchant', { id: failed.id });
    expect(answer.status).toBe(404);
    expect((await answer.json()).error.code).toBe('rendition_unavailable');
  });

  it('answers a trashed photo with 404 not_found, saying it is in the trash', async () => {
    const trashed = await storeDerivedAsset(database().db, files().storage, await sharp({ create: { width: 50, height: 50, channels: 3, background: '#fff' } }).png().toBuffer());
    await moveToTrash(database().db, [trashed.id], 'Tess');
    const answer = await rendition('google-merchant', { id: trashed.id });
    expect(answer.status).toBe(404);
    expect((await answer.json()).error).toMatchObject({ code: 'not_found', message: expect.stringMatching(/in the trash/) });
  });

  it('refuses a preset name with a NUL byte with 422', async () => {
    const answer = await rendition('web\u0000x');
    expect(answer.status).toBe(422);
    expect((await answer.json()).error.code).toBe('validation_failed');
  });
});
