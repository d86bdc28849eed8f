import fs from 'node:fs/promises';
import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { imageFacts, pixelFacts, type ImageFacts } from './image-facts';
import { BMP_HEADER_BYTES, checkBmpHeader, decodeInWorker } from './js-decoders';
import { withPixelBudget, withSharpSlot } from './sharp-limiter';
import { labTiffSize, unsupportedFormatName, unsupportedMessage } from './unsupported';
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

/**
 * What to derive from: a file path (an original, through Storage.withFile: sharp and exifr read it in pieces,
 * never whole) or bytes already in memory (a video's poster frame, a tool's test image).
 */
export type ImageSource = string | Buffer;

/**
 * The longest side accepted, whatever the pixel count: JPEG's own maximum, far beyond any camera or scan. A
 * sliver such as 1 x 100,000,000 stays within the pixel limit but is no photo, and libvips cannot resize it.
 */
export const MAX_IMAGE_SIDE = 65_535;

/**
 * The JS decoders read the whole file; none within the pixel limit needs more than this per pixel (32-bit BMP),
 * so a bigger file is refused before it is read.
 */
const MAX_JS_DECODED_BYTES_PER_PIXEL = 4;
/** Room for headers, palettes and metadata beside the pixels. */
const JS_DECODED_SLACK_BYTES = 1024 * 1024;

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
export function makeDerivatives(input: ImageSource, options: DeriveOptions): Promise<DeriveResult> {
  return withSharpSlot(() => deriveOrRefuse(input, options));
}

/**
 * What sharp throws on this file ("bad dimensions", a broken stream) is the file's doing and the same on every
 * try: a failure with its reason, never an exception that would be retried. The system's own errors (a read
 * that failed: they carry an errno code) and programming errors (TypeError and kin) still throw.
 */
async function deriveOrRefuse(input: ImageSource, options: DeriveOptions): Promise<DeriveResult> {
  try {
    return await derive(input, options);
  } catch (error) {
    if (!isDecoderError(error)) throw error;
    return unreadable(options.sniffedFormat ?? null, error);
  }
}

function isDecoderError(error: unknown): boolean {
  return error instanceof Error && error.constructor === Error && (error as NodeJS.ErrnoException).code === undefined;
}

async function derive(input: ImageSource, options: DeriveOptions): Promise<DeriveResult> {
  const sniffedFormat = options.sniffedFormat ?? null;
  if (sniffedFormat === 'bmp') return deriveBmp(input, options.maxInputPixels);
  let metadata: Metadata;
  try {
    // Header only: safe whatever the size, and needed to refuse a bomb with its real dimensions.
    metadata = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (error) {
    const labTiff = sniffedFormat === 'tiff' || sniffedFormat === null ? await labTiffSize(input) : null;
    if (labTiff) return deriveLabTiff(input, labTiff, options.maxInputPixels);
    return unreadable(sniffedFormat, error);
  }
  const refused = refuseDeclaredSize(metadata.width ?? 0, metadata.height ?? 0, options.maxInputPixels);
  if (refused) return refused;

  // Prebuilt sharp reads a HEIC's header but has no HEVC decoder: libheif decodes the pixels.
  if (metadata.format === 'heif' && metadata.compression === 'hevc') {
    const tooBig = await refuseFileSize(input, 'HEIC', options.maxInputPixels);
    if (tooBig) return tooBig;
    return withPixelBudget(declaredPixels(metadata), async () => {
      const decoded = await decodeInWorker('heic', input, options.maxInputPixels);
      if (!decoded.ok) return workerFailure(decoded, 'HEIC', options.maxInputPixels);
      // libheif applied the container's rotation: the decoded size is the upright one.
      const facts = { ...(await imageFacts(input, metadata)), width: decoded.width, height: decoded.height };
      return { ok: true, facts, outputs: await encodeDerivatives(decoded) };
    });
  }

  let decoded: { data: Buffer; info: OutputInfo };
  try {
    const reader = sharp(input, { failOn: 'warning', limitInputPixels: options.maxInputPixels, pages: 1, page: 0 });
    // A 16-bit image (PNG, TIFF) is taken to 8-bit sRGB as it is read rather than shrunk in 16 bits: the
    // derivatives are 8-bit WebP either way, and libvips' shrink holds lines of the full width, which at 16 bits
    // take twice the memory (a 100 MP 16-bit RGBA PNG: about 165 MB of buffers against 115 MB; npm run bench:memory).
    if (metadata.depth === 'ushort') reader.pipelineColourspace('srgb');
    decoded = await withPixelBudget(declaredPixels(metadata), () =>
      reader
        .autoOrient()
        .resize(LARGEST_EDGE, LARGEST_EDGE, { fit: 'inside', withoutEnlargement: true })
        .toColourspace('srgb')
        .raw()
        .toBuffer({ resolveWithObject: true }),
    );
  } catch (error) {
    return unreadable(sniffedFormat, error);
  }
  const { width: decodedWidth, height: decodedHeight, channels } = decoded.info;
  const outputs = await encodeDerivatives({ data: decoded.data, width: decodedWidth, height: decodedHeight, channels });
  return { ok: true, facts: await imageFacts(input, metadata), outputs };
}

const LARGEST_EDGE = Math.max(...DERIVATIVE_SPECS.map((spec) => spec.longEdge));

/** The pixels of the page decoded (the first), as the header declares them: what the decode's memory grows with. */
function declaredPixels(metadata: Metadata): number {
  return (metadata.width ?? 0) * (metadata.pageHeight ?? metadata.height ?? 0);
}

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

async function deriveBmp(input: ImageSource, maxInputPixels: number): Promise<DeriveResult> {
  const { head, size } = await readHead(input, BMP_HEADER_BYTES);
  const header = checkBmpHeader(head, size, maxInputPixels);
  if (!header.ok) return workerFailure(header, 'BMP', maxInputPixels);
  const refused = refuseDeclaredSize(header.width, header.height, maxInputPixels) ?? (await refuseFileSize(input, 'BMP', maxInputPixels));
  if (refused) return refused;
  return withPixelBudget(Math.abs(header.width * header.height), async () => {
    const decoded = await decodeInWorker('bmp', input, maxInputPixels);
    if (!decoded.ok) return workerFailure(decoded, 'BMP', maxInputPixels);
    return { ok: true, facts: await pixelFacts(input, 'bmp', decoded), outputs: await encodeDerivatives(decoded) };
  });
}

async function deriveLabTiff(input: ImageSource, declared: { width: number; height: number }, maxInputPixels: number): Promise<DeriveResult> {
  const refused = refuseDeclaredSize(declared.width, declared.height, maxInputPixels) ?? (await refuseFileSize(input, 'CIELab TIFF', maxInputPixels));
  if (refused) return refused;
  return withPixelBudget(declared.width * declared.height, async () => {
    const decoded = await decodeInWorker('lab-tiff', input, maxInputPixels);
    if (!decoded.ok) return workerFailure(decoded, 'CIELab TIFF', maxInputPixels);
    return { ok: true, facts: { ...(await pixelFacts(input, 'tiff', decoded)), colourSpace: 'lab' }, outputs: await encodeDerivatives(decoded) };
  });
}

/** Upright 8-bit pixels from a JS decoder, for a sharp pipeline to start from (`sharp(data, { raw })`). */
export interface DecodedPixels {
  data: Buffer;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
}

/**
 * For another pipeline on an original already derived (a rendition): null when sharp reads the file itself,
 * else its pixels decoded by the same JS decoder the derivatives came from (HEVC HEIC, BMP, CIELab TIFF).
 * Call it inside a sharp slot and pixel budget, like the decode it is.
 */
export async function decodeOutsideSharp(input: ImageSource, sniffedFormat: string | null, maxInputPixels: number): Promise<Result<{ pixels: DecodedPixels | null }, DeriveFailure>> {
  let kind: 'bmp' | 'heic' | 'lab-tiff' | null = sniffedFormat === 'bmp' ? 'bmp' : null;
  if (!kind) {
    try {
      const metadata = await sharp(input, { limitInputPixels: false }).metadata();
      if (metadata.format === 'heif' && metadata.compression === 'hevc') kind = 'heic';
    } catch (error) {
      if (!(await labTiffSize(input))) return unreadable(sniffedFormat, error);
      kind = 'lab-tiff';
    }
  }
  if (!kind) return { ok: true, pixels: null };
  const decoded = await decodeInWorker(kind, input, maxInputPixels);
  if (!decoded.ok) return workerFailure(decoded, { bmp: 'BMP', heic: 'HEIC', 'lab-tiff': 'CIELab TIFF' }[kind], maxInputPixels);
  return { ok: true, pixels: { data: decoded.data, width: decoded.width, height: decoded.height, channels: decoded.channels } };
}

/** The first bytes of the file, and its size, without reading the rest. */
async function readHead(input: ImageSource, length: number): Promise<{ head: Buffer; size: number }> {
  if (Buffer.isBuffer(input)) return { head: input.subarray(0, length), size: input.length };
  const file = await fs.open(input, 'r');
  try {
    const { size } = await file.stat();
    const head = Buffer.alloc(Math.min(length, size));
    await file.read(head, 0, head.length, 0);
    return { head, size };
  } finally {
    await file.close();
  }
}

/** Dimensions from the header, checked before a single pixel is decoded. */
function refuseDeclaredSize(width: number, height: number, maxInputPixels: number): DeriveFailure | null {
  if (width * height > maxInputPixels) return tooManyPixels(width, height, maxInputPixels);
  if (Math.max(width, height) > MAX_IMAGE_SIDE) {
    return {
      ok: false,
      code: 'too_many_pixels',
      message: `The image declares ${width}x${height}: a side longer than ${MAX_IMAGE_SIDE.toLocaleString('en')} px, which no photo has; it was not decoded. Upload the image at its real size.`,
    };
  }
  return null;
}

async function refuseFileSize(input: ImageSource, formatName: string, maxInputPixels: number): Promise<DeriveFailure | null> {
  const size = Buffer.isBuffer(input) ? input.length : (await fs.stat(input)).size;
  const largest = maxInputPixels * MAX_JS_DECODED_BYTES_PER_PIXEL;
  if (size <= largest + JS_DECODED_SLACK_BYTES) return null;
  return {
    ok: false,
    code: 'corrupt_image',
    message: `The ${formatName} file is ${size.toLocaleString('en')} bytes, more than any image within this server's pixel limit takes; it was not decoded. Re-export it and upload it again.`,
  };
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
