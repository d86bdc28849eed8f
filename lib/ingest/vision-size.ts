import sharp from 'sharp';
import { withSharpSlot } from './sharp-limiter';

/**
 * The vision image made smaller for the model (ALT_IMAGE_MAX_EDGE): a vision model's input tokens grow with
 * the image's area, so a smaller edge is a cheaper call. Never enlarges; an image already within the edge is
 * sent as it is, byte for byte.
 */
export async function fitVisionImage(bytes: Buffer, size: { width: number; height: number }, maxEdge: number): Promise<Buffer> {
  if (Math.max(size.width, size.height) <= maxEdge) return bytes;
  return withSharpSlot(() => sharp(bytes).resize(maxEdge, maxEdge, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 82 }).toBuffer());
}
