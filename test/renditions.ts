import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import type { Db } from '@/db/handle';
import { assets, type Asset } from '@/db/schema';
import { newDerivativePrefix, newOriginalKey, type Storage } from '@/lib/storage';

/**
 * An asset as the pipeline leaves a photo it derived: its original's bytes in storage, a `vision` derivative
 * (a video's poster, for `video/*` types) and the state `described`. Renditions need nothing more.
 */
export async function storeDerivedAsset(
  db: Db,
  storage: Storage,
  original: Buffer,
  options: { mimeType?: string; filename?: string; format?: string; still?: Buffer } = {},
): Promise<Asset> {
  const mimeType = options.mimeType ?? 'image/jpeg';
  const video = mimeType.startsWith('video/');
  const originalKey = newOriginalKey();
  const derivativePrefix = newDerivativePrefix();
  // `still`: the upright image as the pipeline decoded it, for originals sharp cannot read (HEIC, BMP).
  const still = options.still ?? (video ? original : await sharp(original).rotate().toBuffer());
  const { width, height } = await sharp(still).metadata();
  await storage.put(originalKey, video ? randomBytes(64) : original, { contentType: mimeType });
  const vision = await sharp(still).resize(1200, 1200, { fit: 'inside', withoutEnlargement: true }).webp().toBuffer({ resolveWithObject: true });
  const visionKey = `${derivativePrefix}/vision.webp`;
  await storage.put(visionKey, vision.data, { contentType: 'image/webp' });
  const [row] = await db
    .insert(assets)
    .values({
      filename: options.filename ?? (video ? 'spot.mp4' : 'photo.jpg'),
      declaredType: mimeType,
      declaredSize: original.length,
      sha256: randomBytes(32).toString('hex'),
      sizeBytes: original.length,
      format: options.format ?? (video ? 'mp4' : mimeType.split('/')[1]),
      mimeType,
      originalKey,
      derivativePrefix,
      width: video ? vision.info.width : width,
      height: video ? vision.info.height : height,
      derivatives: { vision: { key: visionKey, width: vision.info.width, height: vision.info.height, bytes: vision.data.length } },
      state: 'described',
    })
    .returning();
  return row;
}

/** A stored object's bytes. */
export async function readObject(storage: Storage, key: string): Promise<Buffer> {
  const stream = await storage.get(key);
  if (!stream) throw new Error(`no object at ${key}`);
  const chunks: Buffer[] = [];
  for await (const chunk of stream as Readable) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
