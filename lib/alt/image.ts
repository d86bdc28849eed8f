import type { Asset } from '@/db/schema';
import { config } from '@/lib/config';
import { fitVisionImage, keyframesOf } from '@/lib/ingest';
import type { Storage } from '@/lib/storage';
import type { AltFailure } from './types';
import type { Result } from '@/lib/result';

/** Groq refuses base64 images over 4 MB; checking here saves a call that can only fail. */
export const MAX_BASE64_IMAGE_BYTES = 4 * 1024 * 1024;
/** Long enough for a provider to fetch it, short enough to be useless if it leaks into a log. */
const SIGNED_URL_SECONDS = 10 * 60;

export type VisionImage = Result<{ image: string }, AltFailure>;

export interface VisionImageOptions {
  /** The longest side sent (ALT_IMAGE_MAX_EDGE): the 1200 px derivative is made smaller on the way (data URLs only). */
  maxEdge?: number;
  /** How long a signed URL lives: a batch line waits up to its completion window before Groq fetches it. */
  urlSeconds?: number;
}

/**
 * The image the model sees: always the 1200 px `vision` derivative (made smaller to ALT_IMAGE_MAX_EDGE), never
 * the original. As a data URL for local storage and private buckets, or a signed URL where the provider can
 * reach storage (then the stored derivative as it is: there is nothing smaller to point at).
 */
export async function visionImageFor(asset: Pick<Asset, 'derivatives'>, storage: Storage, transport: 'url' | 'base64', options: VisionImageOptions = {}): Promise<VisionImage> {
  const derivative = asset.derivatives?.vision;
  if (!derivative) return { ok: false, kind: 'image_rejected', message: 'the asset has no vision derivative yet' };
  if (transport === 'url') {
    return { ok: true, image: await storage.signedGetUrl(derivative.key, { expiresInSeconds: options.urlSeconds ?? SIGNED_URL_SECONDS, contentType: 'image/webp' }) };
  }
  const stream = await storage.get(derivative.key);
  if (!stream) return { ok: false, kind: 'image_rejected', message: 'the vision derivative is missing from storage' };
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  const bytes = await fitVisionImage(Buffer.concat(chunks), derivative, options.maxEdge ?? config().vision.imageMaxEdge);
  return toDataUrl(bytes, 'image/webp');
}

/**
 * A video's keyframes (derivatives `frame-1`…`frame-5`, 1024 px WebP), as the model sees them: one request with
 * all of them. Their base64 total is held to the same 4 MB a single image may take.
 */
export async function videoFramesFor(asset: Pick<Asset, 'derivatives'>, storage: Storage, transport: 'url' | 'base64'): Promise<{ ok: true; images: string[] } | AltFailure> {
  const frames = keyframesOf(asset);
  if (frames.length === 0) return { ok: false, kind: 'image_rejected', message: 'the video has no keyframes yet' };
  if (transport === 'url') {
    const images = await Promise.all(frames.map((frame) => storage.signedGetUrl(frame.key, { expiresInSeconds: SIGNED_URL_SECONDS, contentType: 'image/webp' })));
    return { ok: true, images };
  }
  const images: string[] = [];
  let encodedTotal = 0;
  for (const frame of frames) {
    const stream = await storage.get(frame.key);
    if (!stream) return { ok: false, kind: 'image_rejected', message: 'a keyframe of the video is missing from storage' };
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
    const url = toDataUrl(Buffer.concat(chunks), 'image/webp');
    if (!url.ok) return url;
    encodedTotal += url.image.length;
    if (encodedTotal > MAX_BASE64_IMAGE_BYTES) return { ok: false, kind: 'image_rejected', message: 'the keyframes are over 4 MB together once base64-encoded; use VISION_IMAGE_TRANSPORT=url with publicly reachable storage' };
    images.push(url.image);
  }
  return { ok: true, images };
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
