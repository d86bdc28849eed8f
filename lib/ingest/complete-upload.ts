import { randomUUID } from 'node:crypto';
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '@/db/handle';
import { assets, type Asset } from '@/db/schema';
import { enqueueJob, JOB_PRIORITY } from '@/lib/jobs';
import { recordEvents } from '@/lib/events';
import { getStorage } from '@/lib/storage';
import { SVG_REFUSED } from './content-types';
import { digestStream } from './hash';
import { SNIFF_BYTES, sniffImageType } from './sniff';
import { isUniqueViolation } from '@/db/unique-violation';
import { describeForLog } from '@/lib/errors';
import { assembleParts, uploadedByCaller } from './parted-upload';

/** How long one completion may hold the asset before another request may try again (hashing 100 MB from S3). */
const VERIFY_LEASE_SECONDS = 120;
/** Bigger files hold it longer: assembling parts and hashing go at least this fast, even on a slow disk or link. */
const VERIFY_BYTES_PER_SECOND = 20_000_000;

export type RejectedUpload = {
  kind: 'rejected';
  code: 'empty_file' | 'size_mismatch' | 'not_an_image' | 'svg_refused' | 'hash_mismatch';
  message: string;
};

export type CompleteUploadResult =
  | { kind: 'stored'; asset: Asset }
  | { kind: 'duplicate'; duplicateOf: string }
  | { kind: 'not_found' }
  | { kind: 'already_completed'; state: Asset['state'] }
  | { kind: 'upload_missing' }
  | { kind: 'parts_incomplete'; code: 'parts_missing' | 'part_size_mismatch'; message: string }
  | RejectedUpload;

export interface CompletionRequest {
  /** Who completes: only the person (or server-made token) who announced the upload may. */
  callerUserId: string | null;
  /** The file's SHA-256 when the client hashed it while uploading rather than before announcing (big files). */
  sha256?: string;
}

/**
 * Step 2 of an upload: the browser says it has PUT the bytes; move them where no upload URL reaches, then check
 * what is really stored (presence, size, type sniffed from the bytes, SHA-256) before the asset counts as stored. A rejected upload loses its object
 * and is marked `failed_upload` with the reason; bytes identical to a stored asset (two people uploading the
 * same photo at once) are removed along with their row, and the caller is pointed at the survivor.
 */
export async function completeUpload(db: Db, assetId: string, request: CompletionRequest): Promise<CompleteUploadResult> {
  const claimToken = randomUUID();
  const [asset] = await db
    .update(assets)
    .set({ claimToken, claimedUntil: sql`now() + make_interval(secs => ${VERIFY_LEASE_SECONDS} + ${assets.declaredSize} / ${VERIFY_BYTES_PER_SECOND}::float8)` })
    .where(
      and(
        eq(assets.id, assetId),
        uploadedByCaller(request.callerUserId),
        eq(assets.state, 'awaiting_upload'),
        or(isNull(assets.claimedUntil), lt(assets.claimedUntil, sql`now()`)),
      ),
    )
    .returning();
  if (!asset) {
    const [current] = await db.select({ state: assets.state }).from(assets).where(and(eq(assets.id, assetId), uploadedByCaller(request.callerUserId)));
    if (!current) return { kind: 'not_found' };
    return { kind: 'already_completed', state: current.state };
  }

  const holdsClaim = and(eq(assets.id, assetId), eq(assets.claimToken, claimToken));
  const release = () => db.update(assets).set({ claimToken: null, claimedUntil: null }).where(holdsClaim);
  try {
    const storage = await getStorage();
    const assembled = await assembleParts(db, storage, asset, holdsClaim);
    if (!assembled.ok) {
      await release();
      return assembled.kind === 'upload_missing' ? assembled : { kind: 'parts_incomplete', code: assembled.code, message: assembled.message };
    }
    const declaredSha256 = asset.declaredSha256 ?? request.sha256?.toLowerCase() ?? null;
    const conflictingHashes = Boolean(request.sha256 && asset.declaredSha256 && request.sha256.toLowerCase() !== asset.declaredSha256);
    const verdict = await takeUpload(asset).then((taken) => {
      if (!taken) return { kind: 'upload_missing' } as const;
      if (conflictingHashes) return reject('hash_mismatch', `${asset.filename}: the SHA-256 sent at completion differs from the one announced; upload the file again.`);
      return verifyStoredObject({ ...asset, declaredSha256 });
    });
    if (verdict.kind === 'upload_missing') {
      await release();
      return verdict;
    }
    if (verdict.kind === 'rejected') {
      await storage.delete(asset.originalKey);
      await db
        .update(assets)
        .set({ state: 'failed_upload', errorCode: verdict.code, error: verdict.message, multipartUploadId: null, claimToken: null, claimedUntil: null, updatedAt: sql`now()` })
        .where(holdsClaim);
      return verdict;
    }
    try {
      // Stored and its first job (derive, interactive: a person is waiting) in one transaction: a crash
      // right after leaves the job for the sweeper, never a stored asset with nothing queued.
      const stored = await db.transaction(async (tx) => {
        const [row] = await tx
          .update(assets)
          .set({
            state: 'stored',
            declaredSha256,
            multipartUploadId: null,
            sha256: verdict.sha256,
            sizeBytes: verdict.size,
            mimeType: verdict.mimeType,
            format: verdict.format,
            claimToken: null,
            claimedUntil: null,
            updatedAt: sql`now()`,
          })
          .where(holdsClaim)
          .returning();
        if (row) {
          await enqueueJob(tx, { assetId: row.id, kind: 'derive', priority: JOB_PRIORITY.interactive });
          await recordEvents(tx, 'asset.created', [row.id], { priority: JOB_PRIORITY.interactive });
        }
        return row;
      });
      return { kind: 'stored', asset: stored };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const [original] = await db.select({ id: assets.id }).from(assets).where(eq(assets.sha256, verdict.sha256));
      // The other copy was deleted in the meantime: nothing to point at; let the caller complete again.
      if (!original) throw error;
      await storage.delete(asset.originalKey);
      await db.delete(assets).where(holdsClaim);
      return { kind: 'duplicate', duplicateOf: original.id };
    }
  } catch (error) {
    // A failure (the database restarting, storage failing) must not hold the upload for the whole lease: the
    // client's retry, after the 503's Retry-After, should find it free.
    await giveBack(release, Date.now() + leaseSecondsFor(asset.declaredSize) * 1000);
    throw error;
  }
}

function leaseSecondsFor(declaredSize: number): number {
  return VERIFY_LEASE_SECONDS + declaredSize / VERIFY_BYTES_PER_SECOND;
}

/** Tries again this soon after a release the database refused, doubling up to the last. */
const RELEASE_RETRY_MS = [250, 500, 1000, 2000];

/**
 * Gives a failed completion's claim back now or, when the database cannot take the release either, as soon as
 * it answers again (tried in the background until the lease would have ended anyway). Never throws: the
 * completion's own failure is what the caller hears about.
 */
async function giveBack(release: () => Promise<unknown>, leaseEndsAt: number, attempt = 0): Promise<void> {
  try {
    await release();
  } catch (error) {
    const wait = RELEASE_RETRY_MS[Math.min(attempt, RELEASE_RETRY_MS.length - 1)];
    if (Date.now() + wait >= leaseEndsAt) return;
    if (attempt === 0) console.error(`[loupe] an upload's completion claim could not be released yet; retrying in the background: ${describeForLog(error)}`);
    setTimeout(() => void giveBack(release, leaseEndsAt, attempt + 1), wait).unref();
  }
}

/**
 * Moves the uploaded bytes from the upload key (which the upload URL may still write, S3 URLs cannot be revoked)
 * to the original key (which no URL writes) before checking them: the bytes checked are then the bytes kept.
 * An original already in place is an earlier completion's move that did not get to record its verdict.
 */
async function takeUpload(asset: Asset): Promise<boolean> {
  const storage = await getStorage();
  if (asset.uploadKey && (await storage.move(asset.uploadKey, asset.originalKey))) return true;
  return (await storage.head(asset.originalKey)) !== null;
}

type Verdict =
  | { kind: 'upload_missing' }
  | RejectedUpload
  | { kind: 'verified'; sha256: string; size: number; mimeType: string; format: string };

async function verifyStoredObject(asset: Asset): Promise<Verdict> {
  const storage = await getStorage();
  const head = await storage.head(asset.originalKey);
  if (!head) return { kind: 'upload_missing' };
  if (head.size === 0) return reject('empty_file', `${asset.filename} arrived empty (0 bytes): upload it again.`);
  if (head.size !== asset.declaredSize) {
    return reject('size_mismatch', `${asset.filename} arrived with ${head.size} bytes, not the ${asset.declaredSize} declared: upload it again.`);
  }
  const stream = await storage.get(asset.originalKey);
  if (!stream) return { kind: 'upload_missing' };
  const digest = await digestStream(stream, SNIFF_BYTES);
  const sniffed = await sniffImageType(digest.head);
  if (sniffed.kind === 'empty') return reject('empty_file', `${asset.filename} arrived empty (0 bytes): upload it again.`);
  if (sniffed.kind === 'svg') return reject('svg_refused', SVG_REFUSED);
  if (sniffed.kind === 'not_an_image') {
    const what = sniffed.detected ? `a ${sniffed.detected} file` : 'not an image';
    return reject('not_an_image', `${asset.filename} is ${what}, whatever its name says: upload a photo (JPEG, PNG, WebP, AVIF, GIF, TIFF, HEIC or BMP) or a video (MP4, MOV or WebM).`);
  }
  if (digest.size !== asset.declaredSize) {
    return reject('size_mismatch', `${asset.filename} arrived with ${digest.size} bytes, not the ${asset.declaredSize} declared: upload it again.`);
  }
  // No declared hash (a browser without WebCrypto): nothing to compare; the unique sha256 still catches duplicates.
  if (asset.declaredSha256 !== null && digest.sha256 !== asset.declaredSha256) {
    return reject('hash_mismatch', `${asset.filename} arrived with different bytes than announced (SHA-256 mismatch): it was changed or damaged in transit; upload it again.`);
  }
  return { kind: 'verified', sha256: digest.sha256, size: digest.size, mimeType: sniffed.mimeType, format: sniffed.format };
}

function reject(code: RejectedUpload['code'], message: string): RejectedUpload {
  return { kind: 'rejected', code, message };
}
