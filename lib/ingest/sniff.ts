import { fileTypeFromBuffer } from 'file-type';

/** How many leading bytes sniffing looks at. */
export const SNIFF_BYTES = 64 * 1024;

/** file-type's extensions, renamed to the format names sharp reports (image-facts.ts realFormat). */
const FORMAT_NAMES: Record<string, string> = { jpg: 'jpeg', tif: 'tiff' };

/** The product-video containers Loupe takes (H.264/H.265 MP4, MOV, WebM); the codec inside is ffprobe's to judge. */
const VIDEO_TYPES = new Set(['video/mp4', 'video/quicktime', 'video/webm']);

export type Sniffed =
  | { kind: 'image'; mimeType: string; format: string }
  | { kind: 'video'; mimeType: string; format: string }
  | { kind: 'svg' }
  | { kind: 'empty' }
  | { kind: 'not_an_image'; detected: string | null };

/**
 * What the first bytes of a file really are, whatever its name or declared type says. file-type knows the
 * binary formats; SVG is XML text it does not flag, and two signatures need a fallback: TIFF (file-type
 * wants the IFD, often at the end of the file) and JPEG whose header segments are damaged (still a JPEG,
 * so it fails later as corrupt_image, not as "not an image").
 */
export async function sniffImageType(head: Buffer): Promise<Sniffed> {
  if (head.length === 0) return { kind: 'empty' };
  if (looksLikeSvg(head)) return { kind: 'svg' };
  const detected = await fileTypeFromBuffer(head);
  if (detected?.mime.startsWith('image/')) return { kind: 'image', mimeType: detected.mime, format: FORMAT_NAMES[detected.ext] ?? detected.ext };
  if (detected && VIDEO_TYPES.has(detected.mime)) return { kind: 'video', mimeType: detected.mime, format: detected.ext };
  if (isTiff(head)) return { kind: 'image', mimeType: 'image/tiff', format: 'tiff' };
  if (head[0] === 0xff && head[1] === 0xd8) return { kind: 'image', mimeType: 'image/jpeg', format: 'jpeg' };
  return { kind: 'not_an_image', detected: detected?.mime ?? null };
}

function looksLikeSvg(head: Buffer): boolean {
  const text = head.subarray(0, 4096).toString('utf8').replace(/^\uFEFF/, '').trimStart().toLowerCase();
  return (text.startsWith('<?xml') || text.startsWith('<svg') || text.startsWith('<!doctype svg')) && text.includes('<svg');
}

function isTiff(head: Buffer): boolean {
  const signature = head.subarray(0, 4).toString('hex');
  return signature === '49492a00' || signature === '4d4d002a';
}
