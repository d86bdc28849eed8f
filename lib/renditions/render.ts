import sharp, { type Sharp } from 'sharp';
import { decodeOutsideSharp, withPixelBudget, withSharpSlot } from '@/lib/ingest';
import type { Failure, Result } from '@/lib/result';
import { TRIM_FILL, type PresetSpec } from './presets';

/** What a rendition is made from: a file (an original, a poster), its bytes, or upright pixels a JS decoder produced. */
export type RenderSource = string | Buffer | { raw: { data: Buffer; width: number; height: number; channels: 1 | 2 | 3 | 4 } };

export interface RenderedFile {
  data: Buffer;
  width: number;
  height: number;
}

export type RenderFailure = Failure<{ code: 'corrupt_image' | 'too_many_pixels' | 'unsupported_format'; message: string }>;

/**
 * How far from the background colour a border pixel may be and still be trimmed: JPEG noise and a studio's
 * not-quite-white sweep (about 245) go, a pale product edge stays.
 */
const TRIM_THRESHOLD = 12;

export const CONTENT_TYPES = { jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', avif: 'image/avif' } as const;
export const EXTENSIONS = { jpeg: 'jpg', png: 'png', webp: 'webp', avif: 'avif' } as const;

/**
 * Makes one rendition in one sharp pipeline, so the source is decoded once (a file sharp cannot read, such as
 * HEVC HEIC or BMP, by the JS decoder the derivatives used, its pixels then going into the pipeline): upright (EXIF orientation applied),
 * flattened onto the background unless it is transparent, trimmed of its background border when the preset
 * says so, resized to the preset's frame, and encoded. sharp converts to sRGB and drops all metadata unless the
 * preset keeps the ICC profile. Runs in the process's sharp slots and pixel budget, like every decode.
 * `pixels`: what the source declares (its width times height), for the budget.
 */
export function renderPreset(
  source: RenderSource,
  spec: PresetSpec,
  options: { maxInputPixels: number; pixels: number; sniffedFormat?: string | null },
): Promise<Result<RenderedFile, RenderFailure>> {
  return withSharpSlot(() =>
    withPixelBudget(options.pixels, async () => {
      try {
        let input = source;
        if (typeof source === 'string' || Buffer.isBuffer(source)) {
          const decoded = await decodeOutsideSharp(source, options.sniffedFormat ?? null, options.maxInputPixels);
          if (!decoded.ok) return decoded;
          if (decoded.pixels) input = { raw: decoded.pixels };
        }
        const { data, info } = await presetPipeline(input, spec, options.maxInputPixels).toBuffer({ resolveWithObject: true });
        return { ok: true, data, width: info.width, height: info.height };
      } catch (error) {
        if (!(error instanceof Error) || (error as NodeJS.ErrnoException).code !== undefined) throw error;
        return { ok: false, code: 'corrupt_image', message: `The photo could not be decoded to make this rendition (${error.message.split('\n')[0]}).` };
      }
    }),
  );
}

export function presetPipeline(source: RenderSource, spec: PresetSpec, maxInputPixels: number): Sharp {
  const image =
    typeof source === 'string' || Buffer.isBuffer(source)
      ? sharp(source, { failOn: 'warning', limitInputPixels: maxInputPixels, pages: 1, page: 0 })
      : sharp(source.raw.data, { raw: { width: source.raw.width, height: source.raw.height, channels: source.raw.channels } });
  image.autoOrient();
  const transparent = spec.background === 'transparent';
  const background = transparent ? { r: 0, g: 0, b: 0, alpha: 0 } : spec.background;
  if (!transparent) image.flatten({ background: spec.background });
  let frame = { width: spec.width, height: spec.height };
  if (spec.trim) {
    image.trim({ background: spec.background, threshold: TRIM_THRESHOLD });
    frame = { width: Math.round(spec.width * TRIM_FILL), height: Math.round(spec.height * TRIM_FILL) };
  }
  // Channel presets promise their exact size, so cover and contain enlarge a small photo; `inside` is a bound.
  image.resize(frame.width, frame.height, { fit: spec.fit, background, withoutEnlargement: spec.fit === 'inside' });
  if (spec.trim) {
    const left = Math.floor((spec.width - frame.width) / 2);
    const top = Math.floor((spec.height - frame.height) / 2);
    image.extend({ left, right: spec.width - frame.width - left, top, bottom: spec.height - frame.height - top, background });
  }
  if (spec.metadata === 'icc') image.keepIccProfile();
  switch (spec.format) {
    case 'jpeg':
      return image.jpeg({ quality: spec.quality });
    case 'png':
      return image.png();
    case 'webp':
      return image.webp({ quality: spec.quality });
    case 'avif':
      return image.avif({ quality: spec.quality });
  }
}
