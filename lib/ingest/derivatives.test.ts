import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { fixturesAvailable, imageManifest, type ImageFixture } from '@/test/fixtures';
import { DERIVATIVE_SPECS, makeDerivatives, type DeriveResult } from './derivatives';
import { SNIFF_BYTES, sniffImageType } from './sniff';

/**
 * Every image fixture in manifest.csv through the real ingest code: sniffing (as on upload completion), then
 * makeDerivatives (as in the derive step).
 */
const MAX_PIXELS = 100_000_000;
const available = fixturesAvailable();
const fixtures = available ? imageManifest() : [];
const byExpectation = (expected: ImageFixture['expected']) => fixtures.filter((f) => f.expected === expected).map((f) => [path.relative(path.dirname(path.dirname(f.path)), f.path), f] as const);

async function ingest(fixture: ImageFixture): Promise<{ sniffed: Awaited<ReturnType<typeof sniffImageType>>; derived: DeriveResult | null }> {
  const input = fs.readFileSync(fixture.path);
  const sniffed = await sniffImageType(input.subarray(0, SNIFF_BYTES));
  if (sniffed.kind !== 'image') return { sniffed, derived: null };
  return { sniffed, derived: await makeDerivatives(input, { maxInputPixels: MAX_PIXELS, sniffedFormat: sniffed.format }) };
}

function expectedSize(width: number, height: number, longEdge: number): { width: number; height: number } {
  const scale = Math.min(1, longEdge / Math.max(width, height));
  return { width: Math.round(width * scale), height: Math.round(height * scale) };
}

async function expectCleanWebp(data: Buffer, size: { width: number; height: number }): Promise<void> {
  const metadata = await sharp(data).metadata();
  expect(metadata.format).toBe('webp');
  // Rounding of the other edge may differ by a pixel between libvips' shrink and ours.
  expect(Math.abs((metadata.width ?? 0) - size.width)).toBeLessThanOrEqual(1);
  expect(Math.abs((metadata.height ?? 0) - size.height)).toBeLessThanOrEqual(1);
  expect(metadata.exif).toBeUndefined();
  expect(metadata.xmp).toBeUndefined();
  expect(metadata.icc).toBeUndefined();
  expect(metadata.orientation).toBeUndefined();
}

describe.skipIf(!available)('derivatives from every manifest fixture', () => {
  it.each([...byExpectation('ok'), ...byExpectation('ok-decorative')])('%s: upright, stripped WebP derivatives of the right size', async (_name, fixture) => {
    const { sniffed, derived } = await ingest(fixture);
    expect(sniffed.kind).toBe('image');
    if (!derived?.ok) throw new Error(`expected derivatives, got ${JSON.stringify(derived)}`);
    expect({ width: derived.facts.width, height: derived.facts.height }).toEqual({ width: fixture.width, height: fixture.height });
    for (const spec of DERIVATIVE_SPECS) {
      const output = derived.outputs[spec.kind];
      const size = expectedSize(fixture.width ?? 0, fixture.height ?? 0, spec.longEdge);
      await expectCleanWebp(output.data, size);
      expect({ width: output.width, height: output.height }).toEqual(await sharp(output.data).metadata().then((m) => ({ width: m.width, height: m.height })));
    }
  });

  it.each(byExpectation('ok-decorative'))('%s: small enough to count as decorative', async (_name, fixture) => {
    const { derived } = await ingest(fixture);
    if (!derived?.ok) throw new Error('expected derivatives');
    expect(Math.max(derived.facts.width, derived.facts.height)).toBeLessThan(32);
    // Never enlarged.
    expect(derived.outputs.vision.width).toBe(fixture.width);
  });

  const rejectCodes: Record<string, string> = {
    empty: 'sniff:empty',
    'not-an-image': 'sniff:not_an_image',
    'svg-refused': 'sniff:svg',
    truncated: 'corrupt_image',
    'corrupt-header': 'corrupt_image',
    'bad-crc': 'corrupt_image',
    'too-many-pixels': 'too_many_pixels',
  };
  it.each(byExpectation('reject'))('%s: rejected with its specific code', async (_name, fixture) => {
    const expected = rejectCodes[fixture.reason];
    expect(expected, `no expected code for reason ${fixture.reason}`).toBeDefined();
    const { sniffed, derived } = await ingest(fixture);
    if (expected.startsWith('sniff:')) {
      expect(sniffed.kind).toBe(expected.slice('sniff:'.length));
      return;
    }
    expect(sniffed.kind).toBe('image');
    expect(derived).toMatchObject({ ok: false, code: expected });
  });

  it.each(byExpectation('ok-or-unsupported'))('%s: decoded in a worker into upright sRGB WebP derivatives', async (_name, fixture) => {
    const { sniffed, derived } = await ingest(fixture);
    expect(sniffed.kind).toBe('image');
    if (!derived?.ok) throw new Error(`expected derivatives, got ${JSON.stringify(derived)}`);
    expect({ width: derived.facts.width, height: derived.facts.height }).toEqual({ width: fixture.width, height: fixture.height });
    for (const spec of DERIVATIVE_SPECS) {
      await expectCleanWebp(derived.outputs[spec.kind].data, expectedSize(fixture.width ?? 0, fixture.height ?? 0, spec.longEdge));
    }
    const out = await sharp(derived.outputs.vision.data).metadata();
    expect(out).toMatchObject({ space: 'srgb', depth: 'uchar' });
  });

  it.each(fixtures.filter((f) => f.group === 'orientation').map((f) => [path.basename(f.path), f] as const))(
    '%s: comes out upright (red top-left, green top-right, blue bottom-left, yellow bottom-right)',
    async (_name, fixture) => {
      const { derived } = await ingest(fixture);
      if (!derived?.ok) throw new Error('expected derivatives');
      const { data, info } = await sharp(derived.outputs.vision.data).raw().toBuffer({ resolveWithObject: true });
      const colourAt = (fx: number, fy: number) => {
        const offset = (Math.round(fy * (info.height - 1)) * info.width + Math.round(fx * (info.width - 1))) * info.channels;
        const [r, g, b] = [data[offset], data[offset + 1], data[offset + 2]];
        if (r > 180 && g < 90 && b < 90) return 'red';
        if (r < 90 && g > 130 && b < 90) return 'green';
        if (r < 90 && g > 90 && b > 150) return 'blue';
        if (r > 200 && g > 150 && b < 60) return 'yellow';
        return `rgb(${r},${g},${b})`;
      };
      expect([colourAt(0.05, 0.06), colourAt(0.95, 0.06), colourAt(0.05, 0.94), colourAt(0.95, 0.94)]).toEqual(['red', 'green', 'blue', 'yellow']);
      expect(derived.facts.orientationApplied).toBe(fixture.reason !== 'orientation=1');
    },
  );

  it('records the camera and capture date, and writes none of the EXIF, GPS or XMP into the derivatives', async () => {
    const fixture = fixtures.find((f) => f.reason === 'exif+gps');
    if (!fixture) throw new Error('metadata fixture missing from manifest');
    const { derived } = await ingest(fixture);
    if (!derived?.ok) throw new Error('expected derivatives');
    expect(derived.facts.camera).toEqual({ make: 'Canon', model: 'Canon EOS R5', lens: 'RF24-105mm F4 L IS USM' });
    expect(derived.facts.capturedAt).toBe('2023-07-14T21:32:05.000Z');
    for (const output of Object.values(derived.outputs)) {
      expect(output.data.includes(Buffer.from('Canon'))).toBe(false);
      expect(output.data.includes(Buffer.from('GPS'))).toBe(false);
    }
  });

  it('keeps alpha and converts 16-bit and CMYK input to 8-bit sRGB', async () => {
    const alpha = fixtures.find((f) => f.reason === '16-bit-alpha');
    const cmyk = fixtures.find((f) => f.reason === 'cmyk');
    if (!alpha || !cmyk) throw new Error('fixtures missing from manifest');
    const [withAlpha, fromCmyk] = await Promise.all([ingest(alpha), ingest(cmyk)]);
    if (!withAlpha.derived?.ok || !fromCmyk.derived?.ok) throw new Error('expected derivatives');
    const alphaOut = await sharp(withAlpha.derived.outputs.vision.data).metadata();
    expect(alphaOut).toMatchObject({ hasAlpha: true, space: 'srgb', depth: 'uchar' });
    const cmykOut = await sharp(fromCmyk.derived.outputs.vision.data).metadata();
    expect(cmykOut).toMatchObject({ space: 'srgb', channels: 3 });
    expect(fromCmyk.derived.facts.colourSpace).toBe('cmyk');
  });
});
