import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { imageFacts, pixelFacts, type ImageFacts } from './image-facts';
import { checkBmpHeader, decodeInWorker } from './js-decoders';
import { withSharpSlot } from './sharp-limiter';
import { isLabTiff, unsupportedFormatName, unsupportedMessage } from './unsupported';
import type { Failure, Result } from '@/lib/result';

/** The WebP derivatives every asset gets, by long edge: `vision` goes to the vision model, `grid` to the library. */
export const DERIVATIVE_SPECS = [
  { kind: 'vision', longEdge: 1200, quality: 82 },
  { kind: 'grid', longEdge: 400, quality: 78 },
] as const;
export type DerivativeKind = (typeof DERIVATIVE_SPECS)[number]['kind'];
export const DERIVATIVE_KINDS: readonly DerivativeKind[] = DERIVATIVE_SPECS.map((spec) => spec.kind);

export interface EncodedDerivative {
  data: Buffer;
  width: number;
  height: number;
}

export type DeriveFailure = Failure<{ code: 'too_many_pixels' | 'corrupt_image' | 'unsupported_format'; message: string }>;
export type DeriveResult = Result<{ facts: ImageFacts; outputs: Record<DerivativeKind, EncodedDerivative> }, DeriveFailure>;

export interface DeriveOptions {
  maxInputPixels: number;
  /** The format sniffed at upload (file-type's extension), to name formats sharp cannot even open. */
  sniffedFormat?: string | null;
}

/**
 * Makes every derivative from one decode: the header is read first (pixel limit checked before any pixel is
 * decoded), then the image is decoded once (by sharp, or for HEIC, BMP and 8-bit CIELab TIFF by js-decoders.ts
 * in a worker thread), strictly (truncated or CRC-damaged files fail rather than come out
 * half grey), first page or frame only, auto-oriented and converted to sRGB, shrunk straight to the largest
 * derivative size (JPEG shrink-on-load) into raw pixels; each WebP is encoded from those pixels. Nothing of the
 * original's metadata is written out.
 */
export function makeDerivatives(input: Buffer, options: DeriveOptions): Promise<DeriveResult> {
  return withSharpSlot(() => derive(input, options));
}

async function derive(input: Buffer, options: DeriveOptions): Promise<DeriveResult> {
  const sniffedFormat = options.sniffedFormat ?? null;
  if (sniffedFormat === 'bmp') return deriveBmp(input, options.maxInputPixels);
  let metadata: Metadata;
  try {
    // Header only: safe whatever the size, and needed to refuse a bomb with its real dimensions.
    metadata = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (error) {
    if ((sniffedFormat === 'tiff' || sniffedFormat === null) && (await isLabTiff(input))) return deriveLabTiff(input, options.maxInputPixels);
    return unreadable(sniffedFormat, error);
  }
  const width = metadata.width ?? 0;
  const height = metadata.height ?? 0;
  if (width * height > options.maxInputPixels) return tooManyPixels(width, height, options.maxInputPixels);

  // Prebuilt sharp reads a HEIC's header but has no HEVC decoder: libheif decodes the pixels.
  if (metadata.format === 'heif' && metadata.compression === 'hevc') {
    const decoded = await decodeInWorker('heic', input, options.maxInputPixels);
    if (!decoded.ok) return workerFailure(decoded, 'HEIC', options.maxInputPixels);
    // libheif applied the container's rotation: the decoded size is the upright one.
    const facts = { ...(await imageFacts(input, metadata)), width: decoded.width, height: decoded.height };
    return { ok: true, facts, outputs: await encodeDerivatives(decoded) };
  }

  let decoded: { data: Buffer; info: OutputInfo };
  try {
    decoded = await sharp(input, { failOn: 'warning', limitInputPixels: options.maxInputPixels, pages: 1, page: 0 })
      .autoOrient()
      .resize(LARGEST_EDGE, LARGEST_EDGE, { fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    return unreadable(sniffedFormat, error);
  }
  const { width: decodedWidth, height: decodedHeight, channels } = decoded.info;
  const outputs = await encodeDerivatives({ data: decoded.data, width: decodedWidth, height: decodedHeight, channels });
  return { ok: true, facts: await imageFacts(input, metadata), outputs };
}

const LARGEST_EDGE = Math.max(...DERIVATIVE_SPECS.map((spec) => spec.longEdge));

interface RawPixels {
  data: Buffer;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

/** Encodes every WebP from one buffer of upright sRGB pixels, shrunk once to the largest derivative first. */
async function encodeDerivatives(pixels: RawPixels): Promise<Record<DerivativeKind, EncodedDerivative>> {
  let source = pixels;
  if (Math.max(pixels.width, pixels.height) > LARGEST_EDGE) {
    const { data, info } = await sharp(pixels.data, { raw: { width: pixels.width, height: pixels.height, channels: pixels.channels } })
      .resize(LARGEST_EDGE, LARGEST_EDGE, { fit: 'inside' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    source = { data, width: info.width, height: info.height, channels: pixels.channels };
  }
  const raw = { raw: { width: source.width, height: source.height, channels: source.channels } } as const;
  const encode = async (spec: (typeof DERIVATIVE_SPECS)[number]): Promise<EncodedDerivative> => {
    const { data, info } = await sharp(source.data, raw)
      .resize(spec.longEdge, spec.longEdge, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: spec.quality })
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  };
  const encoded = await Promise.all(DERIVATIVE_SPECS.map(async (spec) => [spec.kind, await encode(spec)] as const));
  return Object.fromEntries(encoded) as Record<DerivativeKind, EncodedDerivative>;
}

async function deriveBmp(input: Buffer, maxInputPixels: number): Promise<DeriveResult> {
  const header = checkBmpHeader(input, maxInputPixels);
  if (!header.ok) return workerFailure(header, 'BMP', maxInputPixels);
  const decoded = await decodeInWorker('bmp', input, maxInputPixels);
  if (!decoded.ok) return workerFailure(decoded, 'BMP', maxInputPixels);
  return { ok: true, facts: await pixelFacts(input, 'bmp', decoded), outputs: await encodeDerivatives(decoded) };
}

async function deriveLabTiff(input: Buffer, maxInputPixels: number): Promise<DeriveResult> {
  const decoded = await decodeInWorker('lab-tiff', input, maxInputPixels);
  if (!decoded.ok) return workerFailure(decoded, 'CIELab TIFF', maxInputPixels);
  return { ok: true, facts: { ...(await pixelFacts(input, 'tiff', decoded)), colourSpace: 'lab' }, outputs: await encodeDerivatives(decoded) };
}

type DecoderFailure = { ok: false; code: 'too_many_pixels' | 'corrupt_image' | 'unsupported'; message: string; width?: number; height?: number };

function workerFailure(failure: DecoderFailure, formatName: string, maxInputPixels: number): DeriveFailure {
  if (failure.code === 'too_many_pixels') return tooManyPixels(failure.width ?? 0, failure.height ?? 0, maxInputPixels);
  if (failure.code === 'unsupported') return { ok: false, code: 'unsupported_format', message: unsupportedMessage(`This kind of ${formatName}`) };
  return {
    ok: false,
    code: 'corrupt_image',
    message: `The ${formatName} image is damaged or truncated and cannot be decoded (${failure.message}). The original is kept; re-export or re-upload it.`,
  };
}

function tooManyPixels(width: number, height: number, maxInputPixels: number): DeriveFailure {
  const megapixels = (value: number) => `${Math.round(value / 1e6)} MP`;
  return {
    ok: false,
    code: 'too_many_pixels',
    message: `The image declares ${width}x${height} (${megapixels(width * height)}), over this server's limit of ${megapixels(maxInputPixels)}; it was not decoded. Upload a smaller image.`,
  };
}

function unreadable(sniffedFormat: string | null, error: unknown): DeriveFailure {
  const unsupported = unsupportedFormatName(sniffedFormat);
  if (unsupported) return { ok: false, code: 'unsupported_format', message: unsupportedMessage(unsupported) };
  const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return {
    ok: false,
    code: 'corrupt_image',
    message: `The image is damaged or truncated and cannot be decoded (${reason}). The original is kept; re-export or re-upload it.`,
  };
}
