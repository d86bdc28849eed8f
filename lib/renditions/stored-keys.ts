import { inArray } from 'drizzle-orm';
import type { Db } from '@/db/handle';
import { renditions } from '@/db/schema';

/** The storage keys of every rendition of these assets, made or being made: what a purge deletes with them. */
export async function renditionKeys(db: Db, assetIds: readonly string[]): Promise<string[]> {
  if (assetIds.length === 0) return [];
  const rows = await db.select({ key: renditions.key }).from(renditions).where(inArray(renditions.assetId, [...assetIds]));
  return rows.map((row) => row.key);
}
