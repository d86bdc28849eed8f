import fs from 'node:fs/promises';
import sharp, { type Metadata } from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Asset } from '@/db/schema';
import { useTestDatabase } from '@/test/db';
import { fixturePath, fixturesAvailable } from '@/test/fixtures';
import { useTemporaryLocalStorage } from '@/test/ingest';
import { readObject, storeDerivedAsset } from '@/test/renditions';
import { definePreset } from './preset-admin';
import { BUILT_IN_PRESETS, presetInput, TRIM_FILL } from './presets';
import { renditionFile } from './rendition-file';

/**
 * Each built-in preset's file, read back: the size, format, background and metadata it promises. The photo is
 * a product (a dark box) on a studio's near-white sweep, stored sideways with EXIF orientation 6, a camera
 * make and a Display P3 profile, so orientation, trimming and stripping all show in the output.
 */
async function productPhoto(): Promise<Buffer> {
  const product = await sharp({ create: { width: 900, height: 500, channels: 3, background: '#402818' } }).png().toBuffer();
  return sharp({ create: { width: 3000, height: 2000, channels: 3, background: '#FAFAFA' } })
    .composite([{ input: product, left: 1500, top: 600 }])
    .withExif({ IFD0: { Make: 'LoupeCam' } })
    .withMetadata({ orientation: 6 })
    .withIccProfile('p3')
    .jpeg({ quality: 92 })
    .toBuffer();
}

async function pixelAt(image: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(image).extract({ left: x, top: y, width: 1, height: 1 }).raw().toBuffer({ resolveWithObject: true });
  return [...data.subarray(0, info.channels)];
}

async function corners(image: Buffer): Promise<number[][]> {
  const { width = 0, height = 0 } = await sharp(image).metadata();
  return Promise.all([
    [0, 0],
    [width - 1, 0],
    [0, height - 1],
    [width - 1, height - 1],
  ].map(([x, y]) => pixelAt(image, x, y)));
}

describe('built-in presets, read back', () => {
  const database = useTestDatabase();
  const files = useTemporaryLocalStorage();
  let asset: Asset;

  beforeAll(async () => {
    asset = await storeDerivedAsset(database().db, files().storage, await productPhoto());
    // Upright, the photo is 2000 x 3000 (portrait): orientation 6 turns the stored landscape.
    expect([asset.width, asset.height]).toEqual([2000, 3000]);
  });

  async function made(preset: string): Promise<{ bytes: Buffer; metadata: Metadata }> {
    const file = await renditionFile(database().db, asset, preset);
    if (!file.ok) throw new Error(file.message);
    const bytes = await readObject(files().storage, file.key);
    expect(bytes.length).toBe(file.bytes);
    return { bytes, metadata: await sharp(bytes).metadata() };
  }

  const expected = {
    'shopify-square': { width: 2048, height: 2048, format: 'jpeg', white: true },
    'amazon-main': { width: 2000, height: 2000, format: 'jpeg', white: true },
    'google-merchant': { width: 1500, height: 1500, format: 'jpeg', white: true },
    'instagram-portrait': { width: 1080, height: 1350, format: 'jpeg', white: false },
    'web-1200-webp': { width: 800, height: 1200, format: 'webp', white: false },
    'web-1200-avif': { width: 800, height: 1200, format: 'heif', white: false },
  } as const;

  it('covers every built-in preset', () => {
    expect(Object.keys(expected).sort()).toEqual(BUILT_IN_PRESETS.map((preset) => preset.name).sort());
  });

  for (const [name, promise] of Object.entries(expected)) {
    it(`${name}: ${promise.width} x ${promise.height} ${promise.format}, upright, no metadata${promise.white ? ', pure white corners' : ''}`, async () => {
      const { bytes, metadata } = await made(name);
      expect({ width: metadata.width, height: metadata.height, format: metadata.format }).toEqual({ width: promise.width, height: promise.height, format: promise.format });
      if (name === 'web-1200-avif') expect(metadata.compression).toBe('av1');
      expect({ exif: metadata.exif, icc: metadata.icc, orientation: metadata.orientation }).toEqual({ exif: undefined, icc: undefined, orientation: undefined });
      if (promise.white) {
        for (const corner of await corners(bytes)) for (const channel of corner.slice(0, 3)) expect(channel).toBeGreaterThanOrEqual(254);
      }
    });
  }

  it('amazon-main: the product, trimmed of its near-white sweep, fills 85% of the frame on its long side, centred', async () => {
    const { bytes } = await made('amazon-main');
    const { info } = await sharp(bytes).trim({ background: '#FFFFFF', threshold: 40 }).toBuffer({ resolveWithObject: true });
    // Upright, the 900 x 500 box is 500 wide and 900 tall: its height fills the frame's 85%.
    expect(Math.abs(info.height - 2000 * TRIM_FILL)).toBeLessThanOrEqual(4);
    expect(Math.abs(info.width - Math.round((2000 * TRIM_FILL * 500) / 900))).toBeLessThanOrEqual(4);
    expect(Math.abs(-(info.trimOffsetLeft ?? 0) - (2000 - info.width) / 2)).toBeLessThanOrEqual(4);
    // The product's own colour survives: the centre is the dark box, not white.
    expect(Math.max(...(await pixelAt(bytes, 1000, 1000)).slice(0, 3))).toBeLessThan(90);
  });

  it('shopify-square: the whole photo, letterboxed on white (contain), not cropped', async () => {
    const { bytes } = await made('shopify-square');
    const { info } = await sharp(bytes).trim({ background: '#FFFFFF', threshold: 2 }).toBuffer({ resolveWithObject: true });
    // 2000 x 3000 upright, contained in 2048: 1365 x 2048 of photo, the rest white.
    expect(Math.abs(info.width - 1365)).toBeLessThanOrEqual(3);
    expect(info.height).toBe(2048);
  });

  it('web presets keep a photo\'s transparency', async () => {
    const cutout = await sharp({ create: { width: 600, height: 400, channels: 4, background: { r: 200, g: 20, b: 20, alpha: 0 } } })
      .composite([{ input: await sharp({ create: { width: 200, height: 200, channels: 4, background: { r: 200, g: 20, b: 20, alpha: 1 } } }).png().toBuffer(), left: 200, top: 100 }])
      .png()
      .toBuffer();
    const transparent = await storeDerivedAsset(database().db, files().storage, cutout, { mimeType: 'image/png', filename: 'cutout.png' });
    for (const preset of ['web-1200-webp', 'web-1200-avif']) {
      const file = await renditionFile(database().db, transparent, preset);
      if (!file.ok) throw new Error(file.message);
      const bytes = await readObject(files().storage, file.key);
      expect((await sharp(bytes).metadata()).hasAlpha, preset).toBe(true);
      expect((await pixelAt(bytes, 0, 0))[3], preset).toBe(0);
    }
  });

  it('an admin preset with metadata icc keeps the photo\'s colour profile, and nothing else', async () => {
    const defined = await definePreset(database().db, presetInput.parse({ name: 'print-p3', width: 900, height: 900, fit: 'inside', format: 'png', metadata: 'icc' }), null);
    if (!defined.ok) throw new Error(defined.message);
    const { metadata } = await made('print-p3');
    expect(metadata.format).toBe('png');
    // The profile's description, "Display P3", is UTF-16 in the ICC tag.
    expect(metadata.icc?.includes(Buffer.from('P3', 'utf16le'))).toBe(true);
    expect(metadata.exif).toBeUndefined();
  });
});

describe.skipIf(!fixturesAvailable())('renditions of originals sharp cannot decode', () => {
  const database = useTestDatabase();
  const files = useTemporaryLocalStorage();

  for (const [fixture, mimeType, format, size] of [
    ['heic_lossy.heic', 'image/heic', 'heic', [1200, 800]],
    ['bmp_24bit.bmp', 'image/bmp', 'bmp', [640, 480]],
    ['tiff_cielab.tif', 'image/tiff', 'tiff', [640, 480]],
  ] as const) {
    it(`${fixture}: decoded by the same JS decoder as its thumbnails, then made by the preset`, async () => {
      const original = await fs.readFile(fixturePath('images', 'formats', fixture));
      const still = await sharp({ create: { width: size[0], height: size[1], channels: 3, background: '#808080' } }).png().toBuffer();
      const asset = await storeDerivedAsset(database().db, files().storage, original, { mimeType, format, still });
      const file = await renditionFile(database().db, asset, 'google-merchant');
      if (!file.ok) throw new Error(file.message);
      const bytes = await readObject(files().storage, file.key);
      expect(await sharp(bytes).metadata()).toMatchObject({ width: 1500, height: 1500, format: 'jpeg' });
      // The photo itself, not the grey stand-in for its thumbnail: the centre is not flat #808080.
      const { channels } = await sharp(bytes).stats();
      expect(Math.max(...channels.map((channel) => channel.stdev))).toBeGreaterThan(10);
    });
  }
});
