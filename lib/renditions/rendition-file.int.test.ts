import type { Readable } from 'node:stream';
import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assets, renditions, type Asset } from '@/db/schema';
import { emptyTrash, moveToTrash } from '@/lib/library';
import { LocalStorage, newRenditionKey, useStorageForTests } from '@/lib/storage';
import { useTestDatabase } from '@/test/db';
import { orphanedKeys, storedKeys, useTemporaryLocalStorage } from '@/test/ingest';
import { readObject, storeDerivedAsset } from '@/test/renditions';
import { startS3rver, type S3rverHandle } from '@/test/s3rver';
import { definePreset, deletePreset } from './preset-admin';
import { findPreset, presetHash, presetInput } from './presets';
import { assetRendition, obtain, renditionFile } from './rendition-file';

/** Local storage that counts the rendition files written (one per sharp run that made one) and can act just before one is. */
class WatchedStorage extends LocalStorage {
  renditionPuts = 0;
  beforeRenditionPut: (() => Promise<void>) | null = null;

  async put(key: string, body: Readable | Buffer): Promise<void> {
    if (key.startsWith('r/')) {
      this.renditionPuts += 1;
      await this.beforeRenditionPut?.();
    }
    return super.put(key, body);
  }
}

const photo = (colour: string, width = 1600, height = 1200) => sharp({ create: { width, height, channels: 3, background: colour } }).jpeg().toBuffer();

async function centre(bytes: Buffer): Promise<number[]> {
  const { width = 0, height = 0 } = await sharp(bytes).metadata();
  const { data } = await sharp(bytes).extract({ left: Math.floor(width / 2), top: Math.floor(height / 2), width: 1, height: 1 }).raw().toBuffer({ resolveWithObject: true });
  return [...data.subarray(0, 3)];
}

const near = (actual: number[], expected: number[]) => actual.every((value, index) => Math.abs(value - expected[index]) <= 6);

describe('renditionFile', () => {
  const database = useTestDatabase();
  const files = useTemporaryLocalStorage();
  const db = () => database().db;
  let storage: WatchedStorage;

  beforeAll(() => {
    storage = new WatchedStorage(files().root);
    useStorageForTests(storage);
  });
  afterEach(() => {
    storage.renditionPuts = 0;
    storage.beforeRenditionPut = null;
  });

  it("makes a preset's file once and answers the same file afterwards", async () => {
    const asset = await storeDerivedAsset(db(), storage, await photo('#336699'));
    const first = await renditionFile(db(), asset, 'shopify-square');
    if (!first.ok) throw new Error(first.message);
    expect(first).toMatchObject({ contentType: 'image/jpeg', extension: 'jpg', filename: 'photo-shopify-square.jpg', width: 2048, height: 2048, preset: 'shopify-square' });
    expect(first.key).toMatch(/^r\/[A-Za-z0-9_-]{24}$/);
    const bytes = await readObject(storage, first.key);
    expect(bytes.length).toBe(first.bytes);
    expect(await sharp(bytes).metadata()).toMatchObject({ format: 'jpeg', width: 2048, height: 2048 });
    expect(await renditionFile(db(), asset, 'shopify-square')).toEqual(first);
    expect(storage.renditionPuts).toBe(1);
  });

  it('eight concurrent first requests in one process make the file once', async () => {
    const asset = await storeDerivedAsset(db(), storage, await photo('#884422'));
    const answers = await Promise.all(Array.from({ length: 8 }, () => renditionFile(db(), asset, 'google-merchant')));
    expect(answers.every((answer) => answer.ok)).toBe(true);
    expect(new Set(answers.map((answer) => answer.ok && answer.key)).size).toBe(1);
    expect(storage.renditionPuts).toBe(1);
  });

  it('six concurrent first requests as from six processes (no shared promise) make it once: one claims the row, the others wait for it', async () => {
    const asset = await storeDerivedAsset(db(), storage, await photo('#228844'));
    const preset = await findPreset(db(), 'instagram-portrait');
    if (!preset) throw new Error('no built-in instagram-portrait');
    const answers = await Promise.all(Array.from({ length: 6 }, () => obtain(db(), asset, preset, presetHash(preset))));
    expect(new Set(answers.map((answer) => answer.ok && answer.key)).size).toBe(1);
    expect(storage.renditionPuts).toBe(1);
    expect(await db().select().from(renditions).where(eq(renditions.assetId, asset.id))).toHaveLength(1);
  });

  it("waits for another process's live claim and answers its file, making nothing", async () => {
    const asset = await storeDerivedAsset(db(), storage, await photo('#446688'));
    const preset = await findPreset(db(), 'google-merchant');
    if (!preset) throw new Error('no built-in google-merchant');
    const key = newRenditionKey();
    const [row] = await db()
      .insert(renditions)
      .values({ assetId: asset.id, preset: preset.name, presetHash: presetHash(preset), key, contentType: 'image/jpeg', claimToken: crypto.randomUUID(), claimedUntil: new Date(Date.now() + 3_600_000) })
      .returning();
    const waiting = renditionFile(db(), asset, 'google-merchant');
    // The other process finishes: its file stored, its row ready.
    const made = await sharp(await photo('#446688')).resize(1500, 1500).jpeg().toBuffer();
    await storage.put(key, made);
    storage.renditionPuts = 0;
    await db().update(renditions).set({ status: 'ready', bytes: made.length, width: 1500, height: 1500, etag: 'e'.repeat(32), claimToken: null, claimedUntil: null }).where(eq(renditions.id, row.id));
    expect(await waiting).toMatchObject({ ok: true, key, etag: 'e'.repeat(32) });
    expect(storage.renditionPuts).toBe(0);
  });

  it("takes over a claim whose maker died, deleting what the dead maker left at its key", async () => {
    const asset = await storeDerivedAsset(db(), storage, await photo('#664422'));
    const preset = await findPreset(db(), 'web-1200-webp');
    if (!preset) throw new Error('no built-in web-1200-webp');
    const deadKey = newRenditionKey();
    await storage.put(deadKey, Buffer.from('half of a file'));
    await db()
      .insert(renditions)
      .values({ assetId: asset.id, preset: preset.name, presetHash: presetHash(preset), key: deadKey, contentType: 'image/webp', claimToken: crypto.randomUUID(), claimedUntil: new Date(Date.now() - 1000) });
    const file = await renditionFile(db(), asset, 'web-1200-webp');
    expect(file.ok && file.key).not.toBe(deadKey);
    expect(await storage.head(deadKey)).toBeNull();
    expect(await orphanedKeys(files().root)).toEqual([]);
  });

  it("makes a video's rendition from its poster frame", async () => {
    const poster = await photo('#2050C0', 1920, 1080);
    const video = await storeDerivedAsset(db(), storage, poster, { mimeType: 'video/mp4' });
    const file = await renditionFile(db(), video, 'shopify-square');
    if (!file.ok) throw new Error(file.message);
    const bytes = await readObject(storage, file.key);
    expect(await sharp(bytes).metadata()).toMatchObject({ width: 2048, height: 2048, format: 'jpeg' });
    expect(near(await centre(bytes), [0x20, 0x50, 0xc0])).toBe(true);
  });

  it('refuses an unknown preset with preset_not_found', async () => {
    const asset = await storeDerivedAsset(db(), storage, await photo('#101010'));
    expect(await renditionFile(db(), asset, 'billboard')).toEqual({ ok: false, code: 'preset_not_found', message: 'There is no preset named "billboard"; GET /api/presets lists them.' });
  });

  it('refuses a photo whose processing failed with rendition_unavailable', async () => {
    const asset = await storeDerivedAsset(db(), storage, await photo('#202020'));
    const [failed] = await db().update(assets).set({ state: 'failed_derive' }).where(eq(assets.id, asset.id)).returning();
    expect(await renditionFile(db(), failed, 'shopify-square')).toEqual({
      ok: false,
      code: 'rendition_unavailable',
      message: 'This photo has no renditions: it could not be processed (see its error on the asset page).',
    });
  });

  it('answers a trashed photo as not found, by id', async () => {
    const asset = await storeDerivedAsset(db(), storage, await photo('#303030'));
    await moveToTrash(db(), [asset.id], 'Tess');
    expect(await assetRendition(db(), asset.id, 'shopify-square')).toMatchObject({ ok: false, code: 'not_found', message: expect.stringMatching(/in the trash/) });
    expect(await assetRendition(db(), 'not-a-uuid', 'shopify-square')).toMatchObject({ ok: false, code: 'not_found' });
    expect(await assetRendition(db(), crypto.randomUUID(), 'shopify-square')).toMatchObject({ ok: false, code: 'not_found' });
  });

  it('answers a damaged original with corrupt_image, keeping no row and no file', async () => {
    const asset = await storeDerivedAsset(db(), storage, await photo('#404040'));
    await storage.put(asset.originalKey, Buffer.from('not a jpeg at all'));
    expect(await renditionFile(db(), asset, 'google-merchant')).toMatchObject({ ok: false, code: 'corrupt_image' });
    expect(await db().select().from(renditions).where(eq(renditions.assetId, asset.id))).toEqual([]);
    expect(await orphanedKeys(files().root)).toEqual([]);
  });

  it('a photo trashed while its rendition is made keeps no file and no row', async () => {
    const asset = await storeDerivedAsset(db(), storage, await photo('#505050'));
    storage.beforeRenditionPut = async () => {
      await moveToTrash(db(), [asset.id], 'Tess');
    };
    expect(await renditionFile(db(), asset, 'google-merchant')).toMatchObject({ ok: false, code: 'rendition_unavailable' });
    expect(await db().select().from(renditions).where(eq(renditions.assetId, asset.id))).toEqual([]);
    expect(await orphanedKeys(files().root)).toEqual([]);
  });

  it("a changed preset makes a new file and deletes the old one; deleting the preset deletes its files", async () => {
    const asset = await storeDerivedAsset(db(), storage, await photo('#606060'));
    const define = (width: number) => definePreset(db(), presetInput.parse({ name: 'thumbs', width, height: width, format: 'jpeg' }), null);
    expect(await define(300)).toMatchObject({ ok: true, created: true });
    const before = await renditionFile(db(), asset, 'thumbs');
    if (!before.ok) throw new Error(before.message);
    expect(before.width).toBe(300);
    expect(await define(400)).toMatchObject({ ok: true, created: false });
    expect(await storage.head(before.key)).toBeNull();
    const after = await renditionFile(db(), asset, 'thumbs');
    if (!after.ok) throw new Error(after.message);
    expect([after.width, after.key === before.key]).toEqual([400, false]);
    expect(await deletePreset(db(), 'thumbs')).toEqual({ ok: true, name: 'thumbs' });
    expect(await storage.head(after.key)).toBeNull();
    expect(await renditionFile(db(), asset, 'thumbs')).toMatchObject({ ok: false, code: 'preset_not_found' });
  });

  it('purging a photo deletes its renditions, rows and files: nothing orphaned', async () => {
    const asset = await storeDerivedAsset(db(), storage, await photo('#707070'));
    const keys: string[] = [];
    for (const preset of ['google-merchant', 'web-1200-webp']) {
      const file = await renditionFile(db(), asset, preset);
      if (file.ok) keys.push(file.key);
    }
    expect(keys).toHaveLength(2);
    await moveToTrash(db(), [asset.id], 'Tess');
    await emptyTrash(db());
    expect(await db().select().from(renditions).where(eq(renditions.assetId, asset.id))).toEqual([]);
    const stored = await storedKeys(files().root);
    for (const key of [...keys, asset.originalKey]) expect(stored).not.toContain(key);
    expect(await orphanedKeys(files().root)).toEqual([]);
  });
});

describe('renditionFile on S3 (s3rver)', () => {
  const database = useTestDatabase();
  let s3: S3rverHandle;
  let asset: Asset;

  beforeAll(async () => {
    s3 = await startS3rver();
    useStorageForTests(s3.storage);
    asset = await storeDerivedAsset(database().db, s3.storage, await photo('#8040A0'));
  });
  afterAll(async () => {
    useStorageForTests(undefined);
    await s3?.stop();
  });

  it('keeps the file in the bucket, answers it again, and the purge deletes it', async () => {
    const file = await renditionFile(database().db, asset, 'instagram-portrait');
    if (!file.ok) throw new Error(file.message);
    const bytes = await readObject(s3.storage, file.key);
    expect(await sharp(bytes).metadata()).toMatchObject({ width: 1080, height: 1350, format: 'jpeg' });
    expect(near(await centre(bytes), [0x80, 0x40, 0xa0])).toBe(true);
    expect(await renditionFile(database().db, asset, 'instagram-portrait')).toEqual(file);
    await moveToTrash(database().db, [asset.id], 'Tess');
    await emptyTrash(database().db);
    expect(await s3.storage.head(file.key)).toBeNull();
  });
});
