import { and, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '@/db/handle';
import { assets } from '@/db/schema';
import { getStorage } from '@/lib/storage';

/** How long after its upload URL expired an announced upload is kept, in case its completion is still on the way. */
export const ABANDONED_AFTER_SECONDS = 60 * 60;

/**
 * Uploads that were announced but never completed (or parted uploads whose last part URL was signed long ago) (tab closed, network gone) leave a row and perhaps bytes.
 * Once their URL has long expired no PUT can arrive any more: remove the bytes first, then the row, so a
 * failure half-way leaves a row to retry from and never bytes nobody points at. Returns how many were removed.
 */
export async function removeAbandonedUploads(db: Db): Promise<number> {
  const abandoned = and(
    eq(assets.state, 'awaiting_upload'),
    lt(assets.uploadExpiresAt, sql`now() - make_interval(secs => ${ABANDONED_AFTER_SECONDS})`),
    or(isNull(assets.claimedUntil), lt(assets.claimedUntil, sql`now()`)),
  );
  const candidates = await db
    .select({ id: assets.id, uploadKey: assets.uploadKey, originalKey: assets.originalKey, multipartUploadId: assets.multipartUploadId })
    .from(assets)
    .where(abandoned);
  if (candidates.length === 0) return 0;
  const storage = await getStorage();
  await Promise.all(
    candidates.map(async (candidate) => {
      if (candidate.uploadKey) await storage.delete(candidate.uploadKey);
      if (candidate.multipartUploadId) {
        // The parts (S3 keeps, and bills, them until aborted), and an assembly a crashed completion left behind.
        await storage.abortMultipartUpload(candidate.originalKey, candidate.multipartUploadId);
        await storage.delete(candidate.originalKey);
      }
    }),
  );
  const removed = await db
    .delete(assets)
    .where(and(abandoned, inArray(assets.id, candidates.map((candidate) => candidate.id))))
    .returning({ id: assets.id });
  return removed.length;
}
