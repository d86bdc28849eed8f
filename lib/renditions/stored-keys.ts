import { inArray, type SQL } from 'drizzle-orm';
import pLimit from 'p-limit';
import type { Db } from '@/db/handle';
import { renditions } from '@/db/schema';
import { getStorage } from '@/lib/storage';

/** Stored objects deleted at once when renditions are dropped. */
const DELETE_CONCURRENCY = 8;

/** The storage keys of every rendition of these assets, made or being made: what a purge deletes with them. */
export async function renditionKeys(db: Db, assetIds: readonly string[]): Promise<string[]> {
  if (assetIds.length === 0) return [];
  const rows = await db.select({ key: renditions.key }).from(renditions).where(inArray(renditions.assetId, [...assetIds]));
  return rows.map((row) => row.key);
}

/**
 * Deletes renditions matching `where`: files first, then rows, so a failure half-way leaves rows naming files
 * that may be gone (never served: their preset or hash no longer matches) rather than files nobody names. A row
 * still being made is dropped too; its maker then finds its claim gone and deletes what it wrote. Rows are
 * deleted by id: one that matches only after the files were chosen keeps its file.
 */
export async function dropRenditions(db: Db, where: SQL | undefined): Promise<number> {
  const doomed = await db.select({ id: renditions.id, key: renditions.key }).from(renditions).where(where);
  if (doomed.length === 0) return 0;
  const storage = await getStorage();
  const limit = pLimit(DELETE_CONCURRENCY);
  await Promise.all(doomed.map((row) => limit(() => storage.delete(row.key))));
  await db.delete(renditions).where(inArray(renditions.id, doomed.map((row) => row.id)));
  return doomed.length;
}
