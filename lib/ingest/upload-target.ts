import { eq, isNull, lt, or, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { assets } from '@/db/schema';
import type { Result } from '@/lib/result';

export type UploadTargetCheck = Result<object, { code: 'not_found' | 'already_completed'; message: string }>;

/**
 * A signed PUT URL stays valid for its whole lifetime, but the original it writes may only be written while
 * its asset still awaits the upload: once verified (or while being verified) the bytes must not change.
 */
export async function checkUploadTarget(originalKey: string): Promise<UploadTargetCheck> {
  const db = await getDb();
  const [asset] = await db
    .select({ state: assets.state, open: sql<boolean>`${or(isNull(assets.claimedUntil), lt(assets.claimedUntil, sql`now()`))}` })
    .from(assets)
    .where(eq(assets.originalKey, originalKey));
  if (!asset) return { ok: false, code: 'not_found', message: 'This upload no longer exists: start the upload again.' };
  if (asset.state !== 'awaiting_upload' || !asset.open) {
    return { ok: false, code: 'already_completed', message: 'This upload is already complete: its file can no longer be replaced.' };
  }
  return { ok: true };
}
