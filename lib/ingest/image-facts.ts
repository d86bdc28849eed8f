import exifr from 'exifr';
import type { Metadata } from 'sharp';

/** What the asset page shows about the original; stored as the asset's `metadata` JSON. */
export interface ImageFacts {
  format: string;
  width: number;
  height: number;
  /** EXIF orientation as found (1 = none); derivatives are always upright. */
  orientation: number;
  orientationApplied: boolean;
  colourSpace: string | null;
  iccProfile: boolean;
  hasAlpha: boolean;
  bitDepth: string | null;
  pages: number;
  camera: { make: string | null; model: string | null; lens: string | null } | null;
  capturedAt: string | null;
}

/** sharp says `heif` for both; the compression tells AVIF (AV1) from HEIC (HEVC). */
export function realFormat(metadata: Metadata): string {
  if (metadata.format === 'heif') return metadata.compression === 'av1' ? 'avif' : 'heic';
  return metadata.format ?? 'unknown';
}

export async function imageFacts(input: string | Buffer, metadata: Metadata): Promise<ImageFacts> {
  const orientation = metadata.orientation ?? 1;
  const camera = await readCamera(input);
  return {
    format: realFormat(metadata),
    width: metadata.autoOrient?.width ?? metadata.width ?? 0,
    height: metadata.autoOrient?.height ?? metadata.height ?? 0,
    orientation,
    orientationApplied: orientation !== 1,
    colourSpace: metadata.space ?? null,
    iccProfile: Boolean(metadata.icc),
    hasAlpha: Boolean(metadata.hasAlpha),
    bitDepth: metadata.depth ?? null,
    pages: metadata.pages ?? 1,
    camera: camera.make || camera.model ? { make: camera.make, model: camera.model, lens: camera.lens } : null,
    capturedAt: camera.capturedAt,
  };
}

/** Facts for an image sharp cannot read, from its decoded pixels: no EXIF orientation applies to BMP or TIFF pixels here. */
export async function pixelFacts(input: string | Buffer, format: string, pixels: { width: number; height: number; channels: number }): Promise<ImageFacts> {
  const camera = await readCamera(input);
  return {
    format,
    width: pixels.width,
    height: pixels.height,
    orientation: 1,
    orientationApplied: false,
    colourSpace: 'srgb',
    iccProfile: false,
    hasAlpha: pixels.channels === 4,
    bitDepth: 'uchar',
    pages: 1,
    camera: camera.make || camera.model ? { make: camera.make, model: camera.model, lens: camera.lens } : null,
    capturedAt: camera.capturedAt,
  };
}

interface CameraTags {
  make: string | null;
  model: string | null;
  lens: string | null;
  capturedAt: string | null;
}

/** Camera and capture date from EXIF; files without EXIF (or formats exifr does not read) simply have none. */
async function readCamera(input: string | Buffer): Promise<CameraTags> {
  const none: CameraTags = { make: null, model: null, lens: null, capturedAt: null };
  let tags: Record<string, unknown> | undefined;
  try {
    tags = await exifr.parse(input, { pick: ['Make', 'Model', 'LensModel', 'DateTimeOriginal', 'CreateDate'] });
  } catch {
    return none;
  }
  if (!tags) return none;
  const captured = tags.DateTimeOriginal ?? tags.CreateDate;
  return {
    make: text(tags.Make),
    model: text(tags.Model),
    lens: text(tags.LensModel),
    capturedAt: captured instanceof Date && !Number.isNaN(captured.getTime()) ? captured.toISOString() : null,
  };
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() ? value.trim() : null;
}
