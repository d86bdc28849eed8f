import type { Asset } from '@/db/schema';
import type { Storage } from '@/lib/storage';
import type { AltFailure } from './types';
import type { Result } from '@/lib/result';

/** Groq refuses base64 images over 4 MB; checking here saves a call that can only fail. */
export const MAX_BASE64_IMAGE_BYTES = 4 * 1024 * 1024;
/** Long enough for a provider to fetch it, short enough to be useless if it leaks into a log. */
const SIGNED_URL_SECONDS = 10 * 60;

export type VisionImage = Result<{ image: string }, AltFailure>;

/**
 * The image the model sees: always the 1200 px `vision` derivative, never the original. As a data URL for
 * local storage and private buckets, or a short-lived signed URL where the provider can reach storage.
 */
export async function visionImageFor(asset: Pick<Asset, 'derivatives'>, storage: Storage, transport: 'url' | 'base64'): Promise<VisionImage> {
  const derivative = asset.derivatives?.vision;
  if (!derivative) return { ok: false, kind: 'image_rejected', message: 'the asset has no vision derivative yet' };
  if (transport === 'url') {
    return { ok: true, image: await storage.signedGetUrl(derivative.key, { expiresInSeconds: SIGNED_URL_SECONDS, contentType: 'image/webp' }) };
  }
  const stream = await storage.get(derivative.key);
  if (!stream) return { ok: false, kind: 'image_rejected', message: 'the vision derivative is missing from storage' };
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return toDataUrl(Buffer.concat(chunks), 'image/webp');
}

export function toDataUrl(bytes: Buffer, mimeType: string): VisionImage {
  const encodedBytes = Math.ceil(bytes.length / 3) * 4;
  if (encodedBytes > MAX_BASE64_IMAGE_BYTES) {
    return {
      ok: false,
      kind: 'image_rejected',
      message: `the image is ${bytes.length} bytes, over 4 MB once base64-encoded; use VISION_IMAGE_TRANSPORT=url with publicly reachable storage`,
    };
  }
  return { ok: true, image: `data:${mimeType};base64,${bytes.toString('base64')}` };
}
