import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startS3rver, type S3rverHandle } from '@/test/s3rver';
import { derivativeKey, newDerivativePrefix, newImportFileKey, newOriginalKey } from './keys';

async function text(stream: Readable | null): Promise<string> {
  if (!stream) throw new Error('no object');
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('S3 driver against a real s3rver', () => {
  let s3: S3rverHandle;
  beforeAll(async () => {
    s3 = await startS3rver();
  });
  afterAll(async () => {
    await s3.stop();
  });

  it('presigns a PUT that fetch can use, without the SDK checksum parameters', async () => {
    const key = newOriginalKey();
    const body = Buffer.from('a photo, honestly');
    const signed = await s3.storage.signedPutUrl(key, { expiresInSeconds: 60, contentType: 'image/jpeg', size: body.length });
    const query = new URL(signed.url).searchParams;
    expect([...query.keys()].filter((name) => /checksum/i.test(name))).toEqual([]);
    expect(signed.url).not.toMatch(/x-amz-sdk-checksum|x-amz-checksum/i);

    const response = await fetch(signed.url, { method: signed.method, headers: signed.headers, body });
    expect(response.status).toBe(200);
    expect(await s3.storage.head(key)).toEqual({ size: body.length });
    expect(await text(await s3.storage.get(key))).toBe('a photo, honestly');
  });

  it('binds the content type into the PUT signature (s3rver does not check V4 signatures, so only the URL shows it)', async () => {
    const signed = await s3.storage.signedPutUrl(newOriginalKey(), { expiresInSeconds: 60, contentType: 'image/png', size: 4 });
    const query = new URL(signed.url).searchParams;
    expect(query.get('X-Amz-SignedHeaders')?.split(';')).toContain('content-type');
    expect(query.get('X-Amz-Expires')).toBe('60');
    expect(signed.headers).toEqual({ 'content-type': 'image/png' });
  });

  it('puts, heads, reads a byte range and deletes', async () => {
    const key = derivativeKey(newDerivativePrefix(), 'grid');
    await s3.storage.put(key, Readable.from([Buffer.from('0123'), Buffer.from('456789')]), { contentType: 'image/webp' });
    expect(await s3.storage.head(key)).toEqual({ size: 10 });
    expect(await text(await s3.storage.get(key, { start: 2, end: 5 }))).toBe('2345');
    await s3.storage.delete(key);
    expect(await s3.storage.head(key)).toBeNull();
    expect(await s3.storage.get(key)).toBeNull();
    // Deleting what is already gone is not an error.
    await s3.storage.delete(key);
  });

  it('gives the same object the same GET URL within a 10-minute window, so browsers can cache it', async () => {
    const key = derivativeKey(newDerivativePrefix(), 'grid');
    await s3.storage.put(key, Buffer.from('webp'), { contentType: 'image/webp' });
    const first = await s3.storage.signedGetUrl(key, { expiresInSeconds: 3600, contentType: 'image/webp' });
    const second = await s3.storage.signedGetUrl(key, { expiresInSeconds: 3600, contentType: 'image/webp' });
    expect(second).toBe(first);
    const query = new URL(first).searchParams;
    expect(query.get('X-Amz-Date')).toMatch(/^\d{8}T\d{3}000Z$/);
    expect(query.get('X-Amz-Expires')).toBe('3600');
    expect((await fetch(first)).status).toBe(200);
  });

  it('signs GET URLs that serve the object as an attachment under its original name', async () => {
    const key = newOriginalKey();
    const body = Buffer.from('original bytes');
    await s3.storage.put(key, body, { contentType: 'image/jpeg' });
    const url = await s3.storage.signedGetUrl(key, { expiresInSeconds: 60, downloadName: 'Été collection – blue shirt (1).jpg', contentType: 'image/jpeg' });
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/jpeg');
    expect(response.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('Été collection – blue shirt (1).jpg')}`);
    const received = Buffer.from(await response.arrayBuffer());
    expect(createHash('sha256').update(received).digest('hex')).toBe(createHash('sha256').update(body).digest('hex'));
  });

  it('hands an object over as a temporary file, removed afterwards even when the work fails; null when there is no object', async () => {
    const key = newOriginalKey();
    await s3.storage.put(key, Buffer.from('a large original'), { contentType: 'image/jpeg' });
    let seen = '';
    const read = await s3.storage.withFile(key, async (file) => {
      seen = file;
      return fs.readFileSync(file, 'utf8');
    });
    expect(read).toBe('a large original');
    expect(fs.existsSync(seen)).toBe(false);

    await expect(
      s3.storage.withFile(key, async (file) => {
        seen = file;
        throw new Error('the decoder gave up');
      }),
    ).rejects.toThrow('the decoder gave up');
    expect(seen).not.toBe('');
    expect(fs.existsSync(seen)).toBe(false);

    let ran = false;
    expect(await s3.storage.withFile(newOriginalKey(), async () => (ran = true))).toBeNull();
    expect(ran).toBe(false);
  });

  it('streams a put in parts once it outgrows one, holding no more than a part; a short stream is one request', async () => {
    /** A first part that s3rver has received, looked for behind the API's back. */
    const partReceived = async () => {
      const files = (await fs.promises.readdir(s3.directory, { recursive: true })) as string[];
      return files.some((file) => /uploads[^/]*\/[^/]+\/1$/.test(file));
    };
    async function* twentyMegabytes() {
      for (let index = 0; index < 20; index += 1) {
        // The rest comes only once the first part is stored: a put that held the whole stream first would wait forever.
        if (index === 9) await expect.poll(partReceived, { timeout: 10_000 }).toBe(true);
        yield Buffer.alloc(1024 * 1024, index);
      }
    }
    const expected = createHash('sha256');
    for (let index = 0; index < 20; index += 1) expected.update(Buffer.alloc(1024 * 1024, index));
    const key = newImportFileKey();
    await s3.storage.put(key, Readable.from(twentyMegabytes()), { contentType: 'text/csv' });
    expect(await s3.storage.head(key)).toEqual({ size: 20 * 1024 * 1024 });
    const stored = createHash('sha256');
    for await (const chunk of (await s3.storage.get(key))!) stored.update(chunk as Buffer);
    expect(stored.digest('hex')).toBe(expected.digest('hex'));

    const short = newImportFileKey();
    await s3.storage.put(short, Readable.from([Buffer.from('filename,title\n')]), { contentType: 'text/csv' });
    expect(await text(await s3.storage.get(short))).toBe('filename,title\n');
  });

  it('a stream that fails half-way leaves no object (its parts are dropped)', async () => {
    const megabyte = Buffer.alloc(1024 * 1024, 1);
    async function* failsAfterTwelve() {
      for (let index = 0; index < 12; index += 1) yield megabyte;
      throw new Error('the upload was cut off');
    }
    const key = newImportFileKey();
    await expect(s3.storage.put(key, Readable.from(failsAfterTwelve()), { contentType: 'text/csv' })).rejects.toThrow('the upload was cut off');
    expect(await s3.storage.head(key)).toBeNull();
    const files = (await fs.promises.readdir(s3.directory, { recursive: true })) as string[];
    expect(files.filter((file) => /uploads[^/]*\/[^/]+\/\d+$/.test(file))).toEqual([]);
  });

  it('reports the bucket reachable', async () => {
    await expect(s3.storage.check()).resolves.toBeUndefined();
  });
});
