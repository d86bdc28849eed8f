import type { Result } from '@/lib/result';
/**
 * Image and video types an upload may declare. The declaration only decides whether we hand out an upload URL; what the
 * bytes really are is sniffed on completion (sniff.ts). `application/octet-stream` (or nothing) is allowed
 * because browsers on many systems do not know .heic or .avif and send that.
 */
const DECLARABLE_TYPES = new Set([
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/avif',
  'image/gif',
  'image/tiff',
  'image/heic',
  'image/heif',
  'image/bmp',
  'video/mp4',
  'video/quicktime',
  'video/webm',
  'application/octet-stream',
]);

export type DeclaredTypeCheck = Result<{ contentType: string }, { code: 'svg_refused' | 'unsupported_type'; message: string }>;

export function checkDeclaredType(declared: string): DeclaredTypeCheck {
  const contentType = (declared.split(';')[0] ?? '').trim().toLowerCase() || 'application/octet-stream';
  if (contentType === 'image/svg+xml') return { ok: false, code: 'svg_refused', message: SVG_REFUSED };
  if (!DECLARABLE_TYPES.has(contentType)) {
    return {
      ok: false,
      code: 'unsupported_type',
      message: `${contentType} is not an image type Loupe accepts: upload JPEG, PNG, WebP, AVIF, GIF, TIFF, HEIC or BMP, or an MP4, MOV or WebM video.`,
    };
  }
  return { ok: true, contentType };
}

export const SVG_REFUSED = 'SVG files are refused: they can carry scripts and external references. Upload a PNG or WebP export instead.';
