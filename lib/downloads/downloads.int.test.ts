import { parse } from 'csv-parse/sync';
import { eq, sql } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GET as getDownload } from '@/app/api/downloads/[id]/route';
import { GET as listDownloads, POST as postDownload } from '@/app/api/downloads/route';
import { downloads, jobs } from '@/db/schema';
import { resetConfig } from '@/lib/config';
import { runAfterTasks } from '@/lib/ingest';
import { runDueJobs } from '@/lib/jobs';
import { call, makeAccount } from '@/test/auth';
import { useTestDatabase } from '@/test/db';
import { getSignedUrl, makeProduct, readZip, storePhoto } from '@/test/downloads';
import { testJpeg, useTemporaryLocalStorage } from '@/test/ingest';
import { storeDerivedAsset } from '@/test/renditions';
import sharp from 'sharp';
import { useStorageForTests, type Storage } from '@/lib/storage';
import { ZIP_MAX_ATTEMPTS } from './downloads';
import { EntryNamer } from './names';

vi.mock('next/server', async (original) => ({ ...(await original<object>()), after: (await import('@/lib/ingest/after-capture')).captureAfter }));

/** Issue 22: a ZIP of a selection or a filter, streamed or built by a job, that opens with its alt-text.csv. */
describe('ZIP downloads', () => {
  const database = useTestDatabase();
  const db = () => database().db;
  const files = useTemporaryLocalStorage();

  afterEach(() => {
    vi.unstubAllEnvs();
    resetConfig();
  });

  async function zipOf(response: Response) {
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    return readZip(Buffer.from(await response.arrayBuffer()));
  }

  const csvOf = (entries: Awaited<ReturnType<typeof readZip>>) =>
    parse(entries.find((entry) => entry.name === 'alt-text.csv')?.data.toString('utf8') ?? '', { columns: true, bom: true }) as Record<string, string>[];

  it('names entries by product and position, else by filename, de-duplicated, stores photos unpacked and lists the alt text', async () => {
    const viewer = await makeAccount(db(), 'viewer');
    const shirt = await makeProduct(db(), { title: 'Linen shirt', handle: 'linen-shirt', sku: 'LS-1' });
    const mug = await makeProduct(db(), { title: 'Blue: mug?', handle: null, sku: null });
    const storage = files().storage;
    const ids = [
      await storePhoto(db(), storage, { filename: 'front.jpg', seed: 1, altText: 'A linen shirt, front', product: { id: shirt, position: 0 } }),
      await storePhoto(db(), storage, { filename: 'back.jpg', seed: 2, altText: 'A linen shirt, back', product: { id: shirt, position: 1 } }),
      await storePhoto(db(), storage, { filename: 'mug.jpg', seed: 3, product: { id: mug, position: 0 } }),
      await storePhoto(db(), storage, { filename: 'cat.jpeg', seed: 4, altText: '=HYPERLINK("x")' }),
      await storePhoto(db(), storage, { filename: 'CAT.jpeg', seed: 5 }),
      await storePhoto(db(), storage, { filename: 'old.jpg', seed: 6, trashed: true }),
      await storePhoto(db(), storage, { filename: 'broken.jpg', seed: 7, state: 'failed_derive' }),
    ];
    const entries = await zipOf(await call(postDownload, { method: 'POST', bearer: viewer.token, body: { ids } }));
    expect(entries.map((entry) => entry.name)).toEqual(['linen-shirt/1.jpg', 'linen-shirt/2.jpg', 'Blue- mug-/1.jpg', 'cat.jpg', 'CAT (2).jpg', 'alt-text.csv']);
    expect(entries.slice(0, 5).every((entry) => entry.compressionMethod === 0)).toBe(true);
    const original = await files().storage.get((await db().query.assets.findFirst({ where: (a, { eq: is }) => is(a.id, ids[0]) }))!.originalKey);
    const chunks: Buffer[] = [];
    for await (const chunk of original!) chunks.push(chunk as Buffer);
    expect(entries[0].data.equals(Buffer.concat(chunks))).toBe(true);
    expect(csvOf(entries)).toEqual([
      { file: 'linen-shirt/1.jpg', filename: 'front.jpg', alt_text: 'A linen shirt, front', status: 'approved', note: '' },
      { file: 'linen-shirt/2.jpg', filename: 'back.jpg', alt_text: 'A linen shirt, back', status: 'approved', note: '' },
      { file: 'Blue- mug-/1.jpg', filename: 'mug.jpg', alt_text: '', status: 'none', note: '' },
      { file: 'cat.jpg', filename: 'cat.jpeg', alt_text: `'=HYPERLINK("x")`, status: 'approved', note: '' },
      { file: 'CAT (2).jpg', filename: 'CAT.jpeg', alt_text: '', status: 'none', note: '' },
      { file: '', filename: 'old.jpg', alt_text: '', status: 'skipped', note: 'it is in the trash' },
      { file: '', filename: 'broken.jpg', alt_text: '', status: 'skipped', note: 'its file could not be processed (damaged or unsupported)' },
    ]);
  });

  it('zips a preset: each entry is the rendition, with its extension and size, named like the originals', async () => {
    const viewer = await makeAccount(db(), 'viewer');
    const asset = await storeDerivedAsset(db(), files().storage, await testJpeg(51, 300, 200), { filename: 'lamp.jpg' });
    const pending = await storePhoto(db(), files().storage, { filename: 'unprocessed.jpg', seed: 52, state: 'stored' });
    const entries = await zipOf(await call(postDownload, { method: 'POST', bearer: viewer.token, body: { ids: [asset.id, pending], preset: 'web-1200-webp' } }));
    expect(entries.map((entry) => entry.name)).toEqual(['lamp.webp', 'alt-text.csv']);
    const facts = await sharp(entries[0].data).metadata();
    expect({ format: facts.format, width: facts.width, height: facts.height }).toEqual({ format: 'webp', width: 300, height: 200 });
    expect(csvOf(entries)[1]).toMatchObject({ filename: 'unprocessed.jpg', status: 'skipped', note: 'This photo has no renditions: it has not been processed yet.' });
  });

  it('zips all photos matching the library filter', async () => {
    const viewer = await makeAccount(db(), 'viewer');
    await storePhoto(db(), files().storage, { filename: 'summer-a.jpg', seed: 11, tags: ['Summer'] });
    await storePhoto(db(), files().storage, { filename: 'summer-b.jpg', seed: 12, tags: ['summer'] });
    await storePhoto(db(), files().storage, { filename: 'winter.jpg', seed: 13, tags: ['winter'] });
    const entries = await zipOf(await call(postDownload, { method: 'POST', bearer: viewer.token, body: { filter: { tag: 'summer' } } }));
    expect(entries.map((entry) => entry.name).sort()).toEqual(['alt-text.csv', 'summer-a.jpg', 'summer-b.jpg']);
  });

  it('lists a photo whose original is missing from storage as skipped, and still closes the ZIP', async () => {
    const viewer = await makeAccount(db(), 'viewer');
    const id = await storePhoto(db(), files().storage, { filename: 'gone.jpg', seed: 21 });
    const row = await db().query.assets.findFirst({ where: (a, { eq: is }) => is(a.id, id) });
    await files().storage.delete(row!.originalKey);
    const entries = await zipOf(await call(postDownload, { method: 'POST', bearer: viewer.token, body: { ids: [id] } }));
    expect(entries.map((entry) => entry.name)).toEqual(['alt-text.csv']);
    expect(csvOf(entries)[0]).toMatchObject({ filename: 'gone.jpg', status: 'skipped', note: 'its original file is missing from storage' });
  });

  it('builds a large selection in a zip job: 202, then ready with a link that serves the ZIP; others cannot see it', async () => {
    vi.stubEnv('DOWNLOADS_STREAM_MAX_PHOTOS', '1');
    resetConfig();
    const viewer = await makeAccount(db(), 'viewer');
    const other = await makeAccount(db(), 'viewer');
    const ids = [await storePhoto(db(), files().storage, { filename: 'big-1.jpg', seed: 31 }), await storePhoto(db(), files().storage, { filename: 'big-2.jpg', seed: 32 })];
    const queued = await call(postDownload, { method: 'POST', bearer: viewer.token, body: { ids } });
    expect(queued.status).toBe(202);
    const { id, status, photos } = await queued.json();
    expect({ status, photos }).toEqual({ status: 'pending', photos: 2 });
    const [job] = await db().select().from(jobs).where(eq(jobs.downloadId, id));
    expect(job).toMatchObject({ kind: 'zip', status: 'pending', assetId: null });

    const before = await (await call(getDownload, { bearer: viewer.token, params: { id } })).json();
    expect(before).toMatchObject({ status: 'pending', url: null, job: { status: 'pending', attempts: 0 } });

    await runAfterTasks();
    const ready = await (await call(getDownload, { bearer: viewer.token, params: { id } })).json();
    expect(ready).toMatchObject({ status: 'ready', entries: 2, skipped: 0, job: { status: 'done' } });
    const zip = await getSignedUrl(ready.url);
    expect(zip.status).toBe(200);
    expect(zip.headers.get('content-disposition')).toMatch(/attachment; filename="loupe-photos-\d{4}-\d\d-\d\d\.zip"/);
    const entries = await readZip(Buffer.from(await zip.arrayBuffer()));
    expect(entries.map((entry) => entry.name)).toEqual(['big-1.jpg', 'big-2.jpg', 'alt-text.csv']);

    const listed = await (await call(listDownloads, { bearer: viewer.token })).json();
    expect(listed.downloads.map((download: { id: string }) => download.id)).toContain(id);
    expect((await (await call(listDownloads, { bearer: other.token })).json()).downloads).toEqual([]);
    const foreign = await call(getDownload, { bearer: other.token, params: { id } });
    expect(foreign.status).toBe(404);
  });

  it('runs a queued ZIP from the sweeper when the quick start never happened', async () => {
    vi.stubEnv('DOWNLOADS_STREAM_MAX_PHOTOS', '0');
    resetConfig();
    const viewer = await makeAccount(db(), 'viewer');
    const ids = [await storePhoto(db(), files().storage, { filename: 'swept.jpg', seed: 41 })];
    const { id } = await (await call(postDownload, { method: 'POST', bearer: viewer.token, body: { ids } })).json();
    await runDueJobs(db(), { concurrency: 1, kinds: ['zip'] });
    const [row] = await db().select().from(downloads).where(eq(downloads.id, id));
    expect(row).toMatchObject({ status: 'ready', entries: 1 });
  });

  it('marks a download failed, with why, once its job has failed ZIP_MAX_ATTEMPTS times writing the ZIP', async () => {
    vi.stubEnv('DOWNLOADS_STREAM_MAX_PHOTOS', '0');
    resetConfig();
    const viewer = await makeAccount(db(), 'viewer');
    const ids = [await storePhoto(db(), files().storage, { filename: 'unlucky.jpg', seed: 61 })];
    const { id } = await (await call(postDownload, { method: 'POST', bearer: viewer.token, body: { ids } })).json();
    const real = files().storage;
    const full: Storage = Object.assign(Object.create(real) as Storage, {
      put: async () => {
        throw new Error('the disk is full');
      },
    });
    useStorageForTests(full);
    try {
      for (let attempt = 0; attempt < ZIP_MAX_ATTEMPTS; attempt++) {
        await db().update(jobs).set({ nextAttemptAt: sql`now()` }).where(eq(jobs.downloadId, id));
        await runDueJobs(db(), { concurrency: 1, kinds: ['zip'] });
      }
    } finally {
      useStorageForTests(real);
    }
    const answer = await (await call(getDownload, { bearer: viewer.token, params: { id } })).json();
    expect(answer).toMatchObject({ status: 'failed', url: null, error: 'The ZIP could not be written: the disk is full.', job: { status: 'failed', attempts: ZIP_MAX_ATTEMPTS } });
  });

  it('refuses 10,001 photos with too_many_photos and the limit', async () => {
    const viewer = await makeAccount(db(), 'viewer');
    const ids = Array.from({ length: 10_001 }, () => crypto.randomUUID());
    const response = await call(postDownload, { method: 'POST', bearer: viewer.token, body: { ids } });
    expect(response.status).toBe(422);
    const { error } = await response.json();
    expect(error.code).toBe('too_many_photos');
    expect(error.message).toBe('10,001 photos selected; a download or share holds at most 10,000. Narrow the filter or pick fewer photos.');
    expect(error.details).toEqual({ selected: 10_001, limit: 10_000 });
  });

  it('refuses hostile selections with a specific answer each', async () => {
    const viewer = await makeAccount(db(), 'viewer');
    const answers = {
      empty: await call(postDownload, { method: 'POST', bearer: viewer.token, body: { ids: [] } }),
      notUuid: await call(postDownload, { method: 'POST', bearer: viewer.token, body: { ids: ['../../etc/passwd'] } }),
      nul: await call(postDownload, { method: 'POST', bearer: viewer.token, body: { filter: { tag: 'a\u0000b' } } }),
      both: await call(postDownload, { method: 'POST', bearer: viewer.token, body: { ids: [crypto.randomUUID()], filter: {} } }),
      unknownFilter: await call(postDownload, { method: 'POST', bearer: viewer.token, body: { filter: { owner: 'x' } } }),
      unknownPreset: await call(postDownload, { method: 'POST', bearer: viewer.token, body: { ids: [crypto.randomUUID()], preset: 'no-such-preset' } }),
      noMatch: await call(postDownload, { method: 'POST', bearer: viewer.token, body: { filter: { tag: 'nothing-has-this' } } }),
    };
    const bodies = Object.fromEntries(await Promise.all(Object.entries(answers).map(async ([name, response]) => [name, { status: response.status, ...(await response.json()).error }])));
    expect(bodies.empty).toMatchObject({ status: 422, code: 'validation_failed', message: 'Invalid body: ids: select at least one photo' });
    expect(bodies.notUuid).toMatchObject({ status: 422, code: 'validation_failed', message: 'Invalid body: ids.0: Not a photo id.' });
    expect(bodies.nul).toMatchObject({ status: 422, code: 'validation_failed' });
    expect(bodies.nul.message).toMatch(/NUL character/);
    expect(bodies.both).toMatchObject({ status: 422, code: 'validation_failed' });
    expect(bodies.unknownFilter).toMatchObject({ status: 422, code: 'validation_failed' });
    expect(bodies.unknownPreset).toMatchObject({
      status: 422,
      code: 'validation_failed',
      message: 'There is no preset named "no-such-preset": GET /api/presets lists them, or leave the preset out for the originals.',
    });
    expect(bodies.noMatch).toMatchObject({ status: 422, code: 'validation_failed', message: 'No photo matches this filter: there is nothing to download.' });
  });
});

describe('entry names', () => {
  it('makes names safe on every desktop and unique without regard to case', () => {
    const namer = new EntryNamer(['alt-text.csv']);
    const plain = (filename: string) => namer.name({ filename, extension: 'jpg', product: null, position: null });
    expect(plain('alt-text.jpg')).toBe('alt-text.jpg');
    expect(plain('..\\..\\evil.jpg')).toBe('-..-evil.jpg');
    expect(plain('con.jpg')).toBe('_con.jpg');
    expect(plain('tab\there.jpg')).toBe('tab-here.jpg');
    expect(plain('...')).toBe('photo.jpg');
    expect(plain('Photo.jpg')).toBe('Photo (2).jpg');
    expect(plain('photo.JPG')).toBe('photo (3).jpg');
    expect(namer.name({ filename: 'x.jpg', extension: 'webp', product: { handle: null, sku: 'SKU/1', title: 'T' }, position: 2 })).toBe('SKU-1/3.webp');
    expect(namer.name({ filename: 'y.jpg', extension: 'webp', product: { handle: null, sku: 'SKU/1', title: 'T' }, position: 2 })).toBe('SKU-1/3 (2).webp');
    expect(namer.name({ filename: 'z.jpg', extension: 'jpg', product: { handle: null, sku: null, title: 'T' }, position: null })).toBe('T/photo.jpg');
  });
});
