import { and, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/handle';
import { assets } from '@/db/schema';
import { filterSql, notTrashedSql, type AssetFilter } from '@/lib/filters';
import { getStorage } from '@/lib/storage';
import { decodeCursor, encodeCursor, isUuid } from './cursor';
import { jobRetryTimes } from './condition';
import { toAssetView, type AssetView, type ViewOptions } from './view';
import { assetLinks } from './links';
import type { Result } from '@/lib/result';

export const MAX_PAGE_SIZE = 100;

export type AssetPage = Result<{ items: AssetView[]; nextCursor: string | null }, { code: 'bad_request'; message: string }>;

/** The library, newest first, `limit` (1..100) at a time, narrowed by the library's filter. */
export async function listAssets(db: Db, options: { cursor?: string; limit: number; filter?: AssetFilter }): Promise<AssetPage> {
  const limit = Math.min(Math.max(Math.trunc(options.limit), 1), MAX_PAGE_SIZE);
  const after = options.cursor ? decodeCursor(options.cursor) : null;
  if (options.cursor && !after) return { ok: false, code: 'bad_request', message: 'The cursor is not valid: start again from the first page.' };
  const found = await db
    .select({ asset: assets, createdAtText: sql<string>`${assets.createdAt}::text` })
    .from(assets)
    .where(
      and(
        filterSql(options.filter ?? {}, 'assets'),
        after ? sql`(${assets.createdAt}, ${assets.id}) < (${after.createdAt}::timestamptz, ${after.id}::uuid)` : undefined,
      ),
    )
    .orderBy(desc(assets.createdAt), desc(assets.id))
    .limit(limit + 1);
  const page = found.slice(0, limit);
  const last = page.at(-1);
  const ids = page.map((row) => row.asset.id);
  const [storage, retryTimes, links] = await Promise.all([getStorage(), jobRetryTimes(db, ids), assetLinks(db, ids)]);
  return {
    ok: true,
    items: await Promise.all(page.map((row) => toAssetView(row.asset, storage, { jobRetryAt: retryTimes.get(row.asset.id), links: links.get(row.asset.id) }))),
    nextCursor: found.length > limit && last ? encodeCursor({ createdAt: last.createdAtText, id: last.asset.id }) : null,
  };
}

/** One asset by id; null for unknown, trashed, purged or malformed ids alike. `withDetail` (admins) adds raw error details. */
export async function getAsset(db: Db, id: string, options: ViewOptions = {}): Promise<AssetView | null> {
  if (!isUuid(id)) return null;
  const [asset] = await db.select().from(assets).where(and(eq(assets.id, id), notTrashedSql('assets')));
  if (!asset) return null;
  const [retryTimes, links] = await Promise.all([jobRetryTimes(db, [asset.id]), assetLinks(db, [asset.id])]);
  return toAssetView(asset, await getStorage(), { ...options, jobRetryAt: retryTimes.get(asset.id), links: links.get(asset.id) });
}
