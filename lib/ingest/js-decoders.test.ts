import fs from 'node:fs';
import heicDecode from 'heic-decode';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { fixturePath, fixturesAvailable } from '@/test/fixtures';
import { makeDerivatives, type DeriveResult } from './derivatives';
import { decodeInWorker } from './js-decoders';

const MAX_PIXELS = 100_000_000;
const available = fixturesAvailable();

function derive(input: Buffer, sniffedFormat: string): Promise<DeriveResult> {
  return makeDerivatives(input, { maxInputPixels: MAX_PIXELS, sniffedFormat });
}

async function gridPixels(result: DeriveResult): Promise<{ data: Buffer; width: number; height: number }> {
  if (!result.ok) throw new Error(`expected derivatives, got ${JSON.stringify(result)}`);
  const { data, info } = await sharp(result.outputs.grid.data).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function meanDifference(a: Buffer, b: Buffer): number {
  expect(a.length).toBe(b.length);
  let total = 0;
  for (let index = 0; index < a.length; index++) total += Math.abs(a[index] - b[index]);
  return total / a.length;
}

function colourAt(pixels: { data: Buffer; width: number; height: number }, fx: number, fy: number): [number, number, number] {
  const offset = (Math.round(fy * (pixels.height - 1)) * pixels.width + Math.round(fx * (pixels.width - 1))) * 3;
  return [pixels.data[offset], pixels.data[offset + 1], pixels.data[offset + 2]];
}

/** A 24-bit BMP written by hand: red top half, blue bottom half, rows bottom-up unless topDown (negative height). */
function bmp24(width: number, height: number, options: { topDown?: boolean; declaredHeight?: number; declaredWidth?: number } = {}): Buffer {
  const rowBytes = Math.ceil((width * 3) / 4) * 4;
  const pixels = Buffer.alloc(rowBytes * height);
  for (let row = 0; row < height; row++) {
    const y = options.topDown ? row : height - 1 - row;
    for (let x = 0; x < width; x++) {
      const [r, g, b] = y < height / 2 ? [220, 30, 30] : [30, 30, 220];
      pixels.set([b, g, r], row * rowBytes + x * 3);
    }
  }
  return bmpFile({ width: options.declaredWidth ?? width, height: options.declaredHeight ?? (options.topDown ? -height : height), depth: 24, palette: Buffer.alloc(0), colours: 0, pixels });
}

function bmpFile(parts: { width: number; height: number; depth: number; palette: Buffer; colours: number; pixels: Buffer; compression?: number }): Buffer {
  const header = Buffer.alloc(54);
  const offset = 54 + parts.palette.length;
  header.write('BM', 0, 'latin1');
  header.writeUInt32LE(offset + parts.pixels.length, 2);
  header.writeUInt32LE(offset, 10);
  header.writeUInt32LE(40, 14);
  header.writeInt32LE(parts.width, 18);
  header.writeInt32LE(parts.height, 22);
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(parts.depth, 28);
  header.writeUInt32LE(parts.compression ?? 0, 30);
  header.writeUInt32LE(parts.pixels.length, 34);
  header.writeUInt32LE(parts.colours, 46);
  return Buffer.concat([header, parts.palette, parts.pixels]);
}

/** The attack's BMP: RLE8, 1 x 100,000,000 pixels (exactly the pixel limit), a full palette and an end-of-bitmap code: 1,080 bytes. */
function rle8Sliver(): Buffer {
  return bmpFile({ width: 1, height: 100_000_000, depth: 8, compression: 1, colours: 0, palette: Buffer.alloc(1024), pixels: Buffer.from([0, 1]) });
}

/** A minimal uncompressed 8-bit CIELab TIFF (PhotometricInterpretation 8): top half `top`, bottom half `bottom`, as L*, a*, b*. */
function labTiff(width: number, height: number, top: [number, number, number], bottom: [number, number, number]): Buffer {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    const [L, a, b] = y < height / 2 ? top : bottom;
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 3;
      pixels[at] = Math.round((L * 255) / 100);
      pixels.writeInt8(a, at + 1);
      pixels.writeInt8(b, at + 2);
    }
  }
  const tags: [number, number, number][] = [
    [256, 3, width],
    [257, 3, height],
    [258, 3, 8],
    [259, 3, 1],
    [262, 3, 8],
    [273, 4, 0],
    [277, 3, 3],
    [278, 3, height],
    [279, 4, pixels.length],
  ];
  const ifdSize = 2 + tags.length * 12 + 4;
  const pixelOffset = 8 + ifdSize;
  const head = Buffer.alloc(pixelOffset);
  head.write('II', 0, 'latin1');
  head.writeUInt16LE(42, 2);
  head.writeUInt32LE(8, 4);
  head.writeUInt16LE(tags.length, 8);
  tags.forEach(([tag, type, value], index) => {
    const at = 10 + index * 12;
    head.writeUInt16LE(tag, at);
    head.writeUInt16LE(type, at + 2);
    head.writeUInt32LE(1, at + 4);
    if (type === 3) head.writeUInt16LE(value, at + 8);
    else head.writeUInt32LE(tag === 273 ? pixelOffset : value, at + 8);
  });
  return Buffer.concat([head, pixels]);
}

/** The HEIC fixture with every `ispe` (image size) box claiming width x height. */
function heicClaiming(input: Buffer, width: number, height: number): Buffer {
  const patched = Buffer.from(input);
  for (let at = patched.indexOf('ispe'); at >= 0; at = patched.indexOf('ispe', at + 4)) {
    patched.writeUInt32BE(width, at + 8);
    patched.writeUInt32BE(height, at + 12);
  }
  return patched;
}

describe.skipIf(!available)('fixtures sharp cannot decode, through the worker decoders', () => {
  it('HEIC: the same picture as libheif alone gives, upright and unflipped', async () => {
    const input = fs.readFileSync(fixturePath('images', 'formats', 'heic_lossy.heic'));
    const ours = await gridPixels(await derive(input, 'heic'));
    const alone = await heicDecode({ buffer: input });
    const reference = await sharp(Buffer.from(alone.data.buffer), { raw: { width: alone.width, height: alone.height, channels: 4 } })
      .removeAlpha()
      .resize(ours.width, ours.height, { fit: 'fill' })
      .raw()
      .toBuffer();
    expect(meanDifference(ours.data, reference)).toBeLessThan(4);
    // A flipped or mirrored decode would not match its own reference turned round.
    const flipped = await sharp(reference, { raw: { width: ours.width, height: ours.height, channels: 3 } }).flip().raw().toBuffer();
    expect(meanDifference(ours.data, flipped)).toBeGreaterThan(10);
  });

  it('BMP: the same picture as a plain reading of its bytes (channels in order, rows not upside down)', async () => {
    const file = fixturePath('images', 'formats', 'bmp_24bit.bmp');
    const ours = await gridPixels(await derive(fs.readFileSync(file), 'bmp'));
    const plain = readBmp24(fs.readFileSync(file));
    const reference = await sharp(plain.data, { raw: { width: plain.width, height: plain.height, channels: 3 } }).resize(ours.width, ours.height, { fit: 'fill' }).raw().toBuffer();
    expect(meanDifference(ours.data, reference)).toBeLessThan(6);
  });

  it('CIELab TIFF: converted to sRGB, not read as RGB', async () => {
    const input = fs.readFileSync(fixturePath('images', 'formats', 'tiff_cielab.tif'));
    const result = await derive(input, 'tiff');
    const ours = await gridPixels(result);
    // The scene is a plasma of light salmon and medium sea green: light colours. Reading L*a*b* bytes as RGB gives dark reds.
    const mean = [0, 1, 2].map((channel) => ours.data.filter((_, index) => index % 3 === channel).reduce((sum, value) => sum + value, 0) / (ours.data.length / 3));
    expect(Math.min(...mean)).toBeGreaterThan(90);
    expect(result.ok && result.facts).toMatchObject({ format: 'tiff', colourSpace: 'lab', width: 640, height: 480 });
  });
});

describe('hand-made BMP and CIELab TIFF files', () => {
  it('a bottom-up and a top-down (negative height) BMP both come out with red on top', async () => {
    for (const topDown of [false, true]) {
      const pixels = await gridPixels(await derive(bmp24(64, 48, { topDown }), 'bmp'));
      expect(colourAt(pixels, 0.5, 0.1)).toEqual([220, 30, 30].map((v) => expect.closeTo(v, -1.2)));
      expect(colourAt(pixels, 0.5, 0.9)).toEqual([30, 30, 220].map((v) => expect.closeTo(v, -1.2)));
    }
  });

  it('8-bit CIELab values become the sRGB colours they name (white over red, red over black)', async () => {
    const pixels = await gridPixels(await derive(labTiff(40, 40, [100, 0, 0], [53.2, 80, 67]), 'tiff'));
    expect(colourAt(pixels, 0.5, 0.1)).toEqual([255, 255, 255].map((v) => expect.closeTo(v, -1)));
    const [r, g, b] = colourAt(pixels, 0.5, 0.9);
    expect(r).toBeGreaterThan(235);
    expect(g).toBeLessThan(40);
    expect(b).toBeLessThan(40);
  });
});

describe('hostile BMP, CIELab TIFF and HEIC files: a clear error and nothing decoded', () => {
  it.each([
    ['negative height of -2147483648', bmp24(8, 8, { declaredHeight: -2147483648 }), 'corrupt_image', /declares 8x-2147483648/],
    ['header claiming 100,000 x 100,000', bmp24(8, 8, { declaredWidth: 100_000, declaredHeight: 100_000 }), 'too_many_pixels', /100000x100000/],
    ['header claiming 100,000 x -100,000 (top-down)', bmp24(8, 8, { declaredWidth: 100_000, declaredHeight: -100_000 }), 'too_many_pixels', /100000x100000/],
    ['pixel rows cut off', bmp24(64, 64).subarray(0, 2000), 'corrupt_image', /truncated/],
    ['palette declaring 100,000 colours for 8-bit pixels', bmpFile({ width: 4, height: 4, depth: 8, colours: 100_000, palette: Buffer.alloc(1024), pixels: Buffer.alloc(16) }), 'corrupt_image', /palette/],
    ['palette larger than the file', bmpFile({ width: 4, height: 4, depth: 8, colours: 256, palette: Buffer.alloc(40), pixels: Buffer.alloc(16) }), 'corrupt_image', /palette/],
    ['1-bit pixels pointing past a 1-colour palette', bmpFile({ width: 32, height: 2, depth: 1, colours: 1, palette: Buffer.alloc(4), pixels: Buffer.alloc(8, 0xff) }), 'corrupt_image', /BMP image is damaged/],
    ['RLE8 declaring 1 x 100,000,000 pixels in 1,080 bytes', rle8Sliver(), 'too_many_pixels', /1x100000000: a side longer than 65,535 px/],
    ['12 bits per pixel', bmpFile({ width: 4, height: 4, depth: 12, colours: 0, palette: Buffer.alloc(0), pixels: Buffer.alloc(64) }), 'corrupt_image', /12 bits per pixel/],
  ])('BMP with %s', async (_name, input, code, message) => {
    const result = await derive(input, 'bmp');
    expect(result).toMatchObject({ ok: false, code });
    expect(!result.ok && result.message).toMatch(message);
  });

  it('a CIELab TIFF whose pixel data is cut off', async () => {
    const input = labTiff(64, 64, [50, 0, 0], [50, 0, 0]);
    const result = await derive(input.subarray(0, input.length - 4000), 'tiff');
    expect(result).toMatchObject({ ok: false, code: 'corrupt_image' });
    expect(!result.ok && result.message).toMatch(/CIELab TIFF image is damaged or truncated/);
  });

  it.skipIf(!available)('a truncated HEIC, cut inside the image data or inside its header', async () => {
    const input = fs.readFileSync(fixturePath('images', 'formats', 'heic_lossy.heic'));
    for (const length of [30_000, 300]) {
      const result = await derive(input.subarray(0, length), 'heic');
      expect(result).toMatchObject({ ok: false, code: 'corrupt_image' });
    }
  });

  it.skipIf(!available)('a HEIC whose header claims 100,000 x 100,000 is refused before decoding, by sharp and by the worker alike', async () => {
    const bomb = heicClaiming(fs.readFileSync(fixturePath('images', 'formats', 'heic_lossy.heic')), 100_000, 100_000);
    const result = await derive(bomb, 'heic');
    expect(result).toMatchObject({ ok: false, code: 'too_many_pixels' });
    expect(!result.ok && result.message).toMatch(/100000x100000 \(10000 MP\)/);
    expect(await decodeInWorker('heic', bomb, MAX_PIXELS)).toMatchObject({ ok: false, code: 'too_many_pixels', width: 100_000, height: 100_000 });
  });

  it('the worker keeps serving after a hostile file', async () => {
    const results = await Promise.all([derive(bmp24(8, 8, { declaredHeight: -2147483648 }), 'bmp'), derive(bmp24(16, 16), 'bmp')]);
    expect(results.map((result) => result.ok)).toEqual([false, true]);
  });
});

/**
 * An uncompressed 24-bit BMP read the plain way, as the reference for the decoder under test: BGR triplets, rows
 * padded to 4 bytes, stored bottom-up unless the height is negative.
 */
function readBmp24(bytes: Buffer): { data: Buffer; width: number; height: number } {
  const offset = bytes.readUInt32LE(10);
  const width = bytes.readInt32LE(18);
  const declaredHeight = bytes.readInt32LE(22);
  if (bytes.readUInt16LE(28) !== 24 || bytes.readUInt32LE(30) !== 0) throw new Error('the reference reader takes uncompressed 24-bit BMPs only');
  const height = Math.abs(declaredHeight);
  const stride = Math.ceil((width * 3) / 4) * 4;
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    const row = offset + (declaredHeight > 0 ? height - 1 - y : y) * stride;
    for (let x = 0; x < width; x++) {
      data[(y * width + x) * 3] = bytes[row + x * 3 + 2];
      data[(y * width + x) * 3 + 1] = bytes[row + x * 3 + 1];
      data[(y * width + x) * 3 + 2] = bytes[row + x * 3];
    }
  }
  return { data, width, height };
}
