import { inArray } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { assets } from '@/db/schema';
import { assetLinks, jobRetryTimes, toAssetView, type AssetView } from '@/lib/assets';
import { getStorage } from '@/lib/storage';

/**
 * The library's asset JSON (signed thumbnail URLs, no storage keys) for ranked ids, by id. One
 * primary-key query for a bounded page; ids whose asset was deleted meanwhile are left out.
 */
export async function assetViewsById(db: Db, ids: readonly string[]): Promise<Map<string, AssetView>> {
  if (ids.length === 0) return new Map();
  const [found, storage] = await Promise.all([db.select().from(assets).where(inArray(assets.id, [...ids])), getStorage()]);
  const [retryTimes, links] = await Promise.all([jobRetryTimes(db, found.map((row) => row.id)), assetLinks(db, found.map((row) => row.id))]);
  const views = await Promise.all(found.map((row) => toAssetView(row, storage, { jobRetryAt: retryTimes.get(row.id), links: links.get(row.id) })));
  return new Map(views.map((view) => [view.id, view]));
}
