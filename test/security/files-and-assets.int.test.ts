import { describe, expect, it } from 'vitest';
import { GET as getAsset, DELETE as deleteAsset } from '@/app/api/assets/[id]/route';
import { GET as getFile } from '@/app/api/files/[...key]/route';
import { call, makeAccount } from '@/test/auth';
import { testJpeg, uploadThroughApi, useTemporaryLocalStorage } from '@/test/ingest';
import { LOCAL_FILES_PATH, isValidKey, newOriginalKey, verifyLocalUrl } from '@/lib/storage';
import { useTestDatabase } from '@/test/db';

/** Files are reachable only through their own short-lived signed URL; assets only by a live id. */

function split(url: string): { key: string; query: URLSearchParams } {
  const parsed = new URL(url, 'http://loupe.test');
  return { key: decodeURIComponent(parsed.pathname.slice(LOCAL_FILES_PATH.length)), query: parsed.searchParams };
}

function fetchFile(url: string): Promise<Response> {
  const { key } = split(url);
  return getFile(new Request(new URL(url, 'http://loupe.test')), { params: Promise.resolve({ key: key.split('/') }) });
}

describe('signed local file URLs', () => {
  useTestDatabase();
  const local = useTemporaryLocalStorage();

  async function storedFile(): Promise<{ key: string; url: string }> {
    const key = newOriginalKey();
    await local().storage.put(key, Buffer.from('bytes of a photo'), { contentType: 'image/jpeg' });
    return { key, url: await local().storage.signedGetUrl(key, { expiresInSeconds: 60, contentType: 'image/jpeg' }) };
  }

  it('serves a file through its signed URL, with nosniff and its granted type', async () => {
    const { url } = await storedFile();
    const response = await fetchFile(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(await response.text()).toBe('bytes of a photo');
  });

  it('refuses an expired URL with url_expired', async () => {
    const { url } = await storedFile();
    const { key, query } = split(url);
    const later = Number(query.get('exp')) + 1;
    const check = await verifyLocalUrl(key, 'get', query, later);
    expect(check.ok ? 'ok' : check.code).toBe('url_expired');
  });

  it('refuses tampered URLs (signature, expiry, type, download name, operation) with invalid_signature (403)', async () => {
    const { url } = await storedFile();
    const tamper = (change: (query: URLSearchParams) => void) => {
      const parsed = new URL(url, 'http://loupe.test');
      change(parsed.searchParams);
      return parsed.pathname + parsed.search;
    };
    const variants = [
      tamper((q) => q.set('sig', `${q.get('sig')?.slice(0, -2)}AA`)),
      tamper((q) => q.set('exp', String(Number(q.get('exp')) + 3_600_000))),
      tamper((q) => q.set('type', 'text/html')),
      tamper((q) => q.set('dl', 'invoice.html')),
      tamper((q) => q.set('op', 'put')),
      tamper((q) => q.delete('sig')),
    ];
    for (const variant of variants) {
      const response = await fetchFile(variant);
      expect(response.status, variant).toBe(403);
      expect((await response.json()).error.code).toBe('invalid_signature');
    }
  });

  it("refuses one object's signature used for another object (cross-object)", async () => {
    const first = await storedFile();
    const second = await storedFile();
    const crossed = `${LOCAL_FILES_PATH}${second.key}?${split(first.url).query}`;
    const response = await fetchFile(crossed);
    expect(response.status).toBe(403);
    expect((await response.json()).error.code).toBe('invalid_signature');
  });
});

describe('path traversal in storage keys and filenames', () => {
  const database = useTestDatabase();
  const local = useTemporaryLocalStorage();

  const TRAVERSALS = ['../../etc/passwd', 'o/../../etc/passwd', '/etc/passwd', 'o/%2e%2e%2fetc', 'd/abc/../../x.webp', 'o\\..\\..\\boot.ini', 'o/AAAAAAAAAAAAAAAAAAAAAAAA/../x', '', 'o/'];

  it('refuses every key that is not one of the two random shapes', () => {
    for (const key of TRAVERSALS) expect(isValidKey(key), key).toBe(false);
    expect(isValidKey(newOriginalKey())).toBe(true);
  });

  it('never reads outside the storage root, even with a valid-looking signature request', async () => {
    await expect(local().storage.get('../../etc/passwd')).rejects.toThrow(/unknown shape/);
    const response = await getFile(new Request('http://loupe.test/api/files/../../etc/passwd?op=get&exp=9999999999999&type=text/plain&sig=x'), {
      params: Promise.resolve({ key: ['..', '..', 'etc', 'passwd'] }),
    });
    expect(response.status).toBe(403);
    expect((await response.json()).error.code).toBe('invalid_signature');
  });

  it('keeps an uploaded filename a display name only: no path survives, and the key stays random', async () => {
    const editor = await makeAccount(database().db, 'editor');
    const { assetId } = await uploadThroughApi(editor, await testJpeg(901), { filename: '../../etc/<script>passwd.jpg' });
    const response = await call(getAsset, { bearer: editor.token, params: { id: assetId } });
    const asset = await response.json();
    expect(asset.filename).toBe('<script>passwd.jpg');
    expect(JSON.stringify(asset)).not.toContain('etc/');
  });
});

describe('IDOR: asset ids that do not (or no longer) exist', () => {
  const database = useTestDatabase();
  useTemporaryLocalStorage();

  it('answers 404 for a never-existing id, a malformed id, and a deleted asset, for reads and deletes', async () => {
    const editor = await makeAccount(database().db, 'editor');
    const { assetId } = await uploadThroughApi(editor, await testJpeg(902));
    expect((await call(deleteAsset, { method: 'DELETE', bearer: editor.token, params: { id: assetId } })).status).toBe(200);
    for (const id of [assetId, crypto.randomUUID(), 'not-a-uuid', "1' OR '1'='1"]) {
      const read = await call(getAsset, { bearer: editor.token, params: { id } });
      expect(read.status, `GET ${id}`).toBe(404);
      expect((await read.json()).error.code).toBe('not_found');
      const remove = await call(deleteAsset, { method: 'DELETE', bearer: editor.token, params: { id } });
      expect(remove.status, `DELETE ${id}`).toBe(404);
    }
  });
});
