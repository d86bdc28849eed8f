import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '@/test/db';
import { useTemporaryLocalStorage } from '@/test/ingest';
import { readObject, storeDerivedAsset } from '@/test/renditions';
import { renditionFile } from './rendition-file';

describe('renditionFile', () => {
  const database = useTestDatabase();
  const files = useTemporaryLocalStorage();

  it('makes a preset\'s file once and answers the same file afterwards', async () => {
    const original = await sharp({ create: { width: 1600, height: 1200, channels: 3, background: '#336699' } }).jpeg().toBuffer();
    const asset = await storeDerivedAsset(database().db, files().storage, original);
    const first = await renditionFile(database().db, asset, 'shopify-square');
    if (!first.ok) throw new Error(first.message);
    expect(first).toMatchObject({ contentType: 'image/jpeg', extension: 'jpg', width: 2048, height: 2048, preset: 'shopify-square' });
    const bytes = await readObject(files().storage, first.key);
    expect(bytes.length).toBe(first.bytes);
    expect(await sharp(bytes).metadata()).toMatchObject({ format: 'jpeg', width: 2048, height: 2048 });
    expect(await renditionFile(database().db, asset, 'shopify-square')).toEqual(first);
  });
});
