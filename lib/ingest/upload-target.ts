import { eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '@/db/handle';
import { assets } from '@/db/schema';
import type { Result } from '@/lib/result';

export type UploadTargetCheck = Result<object, { code: 'not_found' | 'already_completed'; message: string }>;

/**
 * A signed PUT URL stays valid for its whole lifetime, but its upload key may only be written while its asset
 * still awaits the upload: once completion has taken the bytes (or while it is taking them) a PUT is refused.
 * Checked before a PUT and again after it, for a slow PUT that was let in before completion and ended after.
 */
export async function checkUploadTarget(db: Db, uploadKey: string): Promise<UploadTargetCheck> {
  const [asset] = await db
    .select({ state: assets.state, open: sql<boolean>`${or(isNull(assets.claimedUntil), lt(assets.claimedUntil, sql`now()`))}` })
    .from(assets)
    .where(eq(assets.uploadKey, uploadKey));
  if (!asset) return { ok: false, code: 'not_found', message: 'This upload no longer exists: start the upload again.' };
  if (asset.state !== 'awaiting_upload' || !asset.open) {
    return { ok: false, code: 'already_completed', message: 'This upload is already complete: its file can no longer be replaced.' };
  }
  return { ok: true };
}
