import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { imageFacts, type ImageFacts } from './image-facts';
import { withSharpSlot } from './sharp-limiter';
import { unsupportedFormatName, unsupportedMessage } from './unsupported';
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
 * decoded), then the image is decoded once, strictly (truncated or CRC-damaged files fail rather than come out
 * half grey), first page or frame only, auto-oriented and converted to sRGB, shrunk straight to the largest
 * derivative size (JPEG shrink-on-load) into raw pixels; each WebP is encoded from those pixels. Nothing of the
 * original's metadata is written out.
 */
export function makeDerivatives(input: Buffer, options: DeriveOptions): Promise<DeriveResult> {
  return withSharpSlot(() => derive(input, options));
}

async function derive(input: Buffer, options: DeriveOptions): Promise<DeriveResult> {
  let metadata: Metadata;
  try {
    // Header only: safe whatever the size, and needed to refuse a bomb with its real dimensions.
    metadata = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (error) {
    return unreadable(input, options.sniffedFormat ?? null, null, error);
  }
  const pixels = (metadata.width ?? 0) * (metadata.height ?? 0);
  if (pixels > options.maxInputPixels) {
    const megapixels = (value: number) => `${Math.round(value / 1e6)} MP`;
    return {
      ok: false,
      code: 'too_many_pixels',
      message: `The image declares ${metadata.width}x${metadata.height} (${megapixels(pixels)}), over this server's limit of ${megapixels(options.maxInputPixels)}; it was not decoded. Upload a smaller image.`,
    };
  }

  const largestEdge = Math.max(...DERIVATIVE_SPECS.map((spec) => spec.longEdge));
  let decoded: { data: Buffer; info: OutputInfo };
  try {
    decoded = await sharp(input, { failOn: 'warning', limitInputPixels: options.maxInputPixels, pages: 1, page: 0 })
      .autoOrient()
      .resize(largestEdge, largestEdge, { fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    return unreadable(input, options.sniffedFormat ?? null, metadata, error);
  }

  const raw = { raw: { width: decoded.info.width, height: decoded.info.height, channels: decoded.info.channels } } as const;
  const encode = async (spec: (typeof DERIVATIVE_SPECS)[number]): Promise<EncodedDerivative> => {
    const { data, info } = await sharp(decoded.data, raw)
      .resize(spec.longEdge, spec.longEdge, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: spec.quality })
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  };
  const encoded = await Promise.all(DERIVATIVE_SPECS.map(async (spec) => [spec.kind, await encode(spec)] as const));
  const outputs = Object.fromEntries(encoded) as Record<DerivativeKind, EncodedDerivative>;
  return { ok: true, facts: await imageFacts(input, metadata), outputs };
}

async function unreadable(input: Buffer, sniffedFormat: string | null, metadata: Metadata | null, error: unknown): Promise<DeriveFailure> {
  const unsupported = await unsupportedFormatName(input, sniffedFormat, metadata);
  if (unsupported) return { ok: false, code: 'unsupported_format', message: unsupportedMessage(unsupported) };
  const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return {
    ok: false,
    code: 'corrupt_image',
    message: `The image is damaged or truncated and cannot be decoded (${reason}). The original is kept; re-export or re-upload it.`,
  };
}
