import { createHash } from 'node:crypto';
import { pipeline, Transform, type Readable } from 'node:stream';
import { eq } from 'drizzle-orm';
import type { Db } from '@/db/handle';
import { assets } from '@/db/schema';
import { config } from '@/lib/config';
import { getStorage, newDerivativePrefix, newOriginalKey, newUploadKey } from '@/lib/storage';
import { completeUpload } from './complete-upload';
import { SVG_REFUSED } from './content-types';
import { sanitizeFilename } from './filename';
import { SNIFF_BYTES, sniffImageType } from './sniff';

/**
 * A server-side upload (a connected store's photo, lib/connections): the bytes come from a stream rather than a
 * browser's PUT. They are hashed (SHA-256) and counted while they stream to an upload key, so a file already in
 * the library is recognised without a second read and its copy dropped; a new one is then completed through
 * the same path as a browser's upload (completeUpload: moved where no URL writes, verified, stored, derive
 * queued, asset.created recorded).
 */

export type StreamIngestResult =
  | { kind: 'created'; assetId: string }
  | { kind: 'duplicate'; assetId: string }
  | { kind: 'rejected'; code: 'file_too_large' | 'not_an_image' | 'empty_file' | 'svg_refused' | 'download_failed'; message: string };

export interface StreamIngest {
  /** The name to keep (a store's file name); an unusable one becomes "image". */
  filename: string;
  body: Readable;
  /** More bytes than this stop the download and keep nothing. */
  maxBytes: number;
  uploadedBy: string | null;
}

export async function ingestStream(db: Db, request: StreamIngest): Promise<StreamIngestResult> {
  const named = sanitizeFilename(request.filename);
  const filename = named.ok ? named.filename : 'image';
  const storage = await getStorage();
  const uploadKey = newUploadKey();
  const hash = createHash('sha256');
  const head: Buffer[] = [];
  let headLength = 0;
  let size = 0;
  let tooLarge = false;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > request.maxBytes) {
        tooLarge = true;
        return done(new Error('file too large'));
      }
      hash.update(chunk);
      if (headLength < SNIFF_BYTES) {
        const part = chunk.subarray(0, SNIFF_BYTES - headLength);
        head.push(part);
        headLength += part.length;
      }
      done(null, chunk);
    },
  });
  // The source failing (the connection dropped, or the sender's own size cap) is the download's failure, not ours.
  let sourceError: Error | null = null;
  request.body.once('error', (error: Error) => {
    sourceError = error;
  });
  const counted = pipeline(request.body, counter, () => {});
  try {
    await storage.put(uploadKey, counted, { contentType: 'application/octet-stream' });
  } catch (error) {
    await storage.delete(uploadKey);
    if (tooLarge) return { kind: 'rejected', code: 'file_too_large', message: `${filename} is larger than the ${request.maxBytes} bytes Loupe accepts (UPLOAD_MAX_BYTES).` };
    const failed: Error | null = sourceError;
    if (failed) return { kind: 'rejected', code: 'download_failed', message: `The download of ${filename} stopped: ${(failed as Error).message}` };
    throw error;
  }
  const sniffed = await sniffImageType(Buffer.concat(head));
  const refusal =
    sniffed.kind === 'empty'
      ? ({ kind: 'rejected', code: 'empty_file', message: `${filename} is empty (0 bytes).` } as const)
      : sniffed.kind === 'svg'
        ? ({ kind: 'rejected', code: 'svg_refused', message: SVG_REFUSED } as const)
        : sniffed.kind === 'not_an_image'
          ? ({ kind: 'rejected', code: 'not_an_image', message: `${filename} is ${sniffed.detected ? `a ${sniffed.detected} file` : 'not an image'}, whatever its name says.` } as const)
          : null;
  if (refusal) {
    await storage.delete(uploadKey);
    return refusal;
  }
  const sha256 = hash.digest('hex');
  const [existing] = await db.select({ id: assets.id }).from(assets).where(eq(assets.sha256, sha256)).limit(1);
  if (existing) {
    await storage.delete(uploadKey);
    return { kind: 'duplicate', assetId: existing.id };
  }
  const [row] = await db
    .insert(assets)
    .values({
      filename,
      declaredType: sniffed.kind === 'image' || sniffed.kind === 'video' ? sniffed.mimeType : 'application/octet-stream',
      declaredSize: size,
      declaredSha256: sha256,
      originalKey: newOriginalKey(),
      uploadKey,
      derivativePrefix: newDerivativePrefix(),
      uploadedBy: request.uploadedBy,
      uploadExpiresAt: new Date(Date.now() + config().upload.urlTtlSeconds * 1000),
    })
    .returning({ id: assets.id });
  const completed = await completeUpload(db, row.id, { callerUserId: request.uploadedBy });
  switch (completed.kind) {
    case 'stored':
      return { kind: 'created', assetId: completed.asset.id };
    case 'duplicate':
      return { kind: 'duplicate', assetId: completed.duplicateOf };
    case 'rejected':
      // Nothing of a refused file stays in the library (a browser's refused upload keeps its row to show why).
      await db.delete(assets).where(eq(assets.id, row.id));
      return { kind: 'rejected', code: completed.code === 'empty_file' || completed.code === 'svg_refused' || completed.code === 'not_an_image' ? completed.code : 'not_an_image', message: completed.message };
    default:
      throw new Error(`a server-side upload could not be completed (${completed.kind})`);
  }
}
