import { and, desc, eq, notInArray, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import type { Db } from '@/db/handle';
import { assets, type Asset } from '@/db/schema';
import { DERIVATIVE_KINDS } from '@/lib/ingest';
import { derivativeKey, getStorage } from '@/lib/storage';
import { decodeCursor, encodeCursor, isUuid } from './cursor';
import { toAssetView, type AssetView, type ViewOptions } from './view';
import type { Result } from '@/lib/result';

export const MAX_PAGE_SIZE = 100;

/** Rows that are not (yet) in the library: no verified original behind them. */
const NOT_IN_LIBRARY: Asset['state'][] = ['awaiting_upload', 'failed_upload'];

/** The library's filters, from the query string (`?state=failed`). */
export const LIBRARY_FILTERS = ['failed'] as const;
export type LibraryFilter = (typeof LIBRARY_FILTERS)[number];

/** isFailedAsset (view.ts) in SQL: failed for good, or a step after derive failed and waits for a late retry. */
const FAILED_CONDITION = sql`(${assets.state} in ('failed_derive', 'failed_describe', 'failed_embed') or (${assets.state} in ('derived', 'described') and ${assets.errorCode} is not null))`;

export type AssetPage = Result<{ items: AssetView[]; nextCursor: string | null }, { code: 'bad_request'; message: string }>;

/** The library, newest first, `limit` (1..100) at a time. */
export async function listAssets(options: { cursor?: string; limit: number; state?: LibraryFilter }): Promise<AssetPage> {
  const limit = Math.min(Math.max(Math.trunc(options.limit), 1), MAX_PAGE_SIZE);
  const after = options.cursor ? decodeCursor(options.cursor) : null;
  if (options.cursor && !after) return { ok: false, code: 'bad_request', message: 'The cursor is not valid: start again from the first page.' };
  const db = await getDb();
  const found = await db
    .select({ asset: assets, createdAtText: sql<string>`${assets.createdAt}::text` })
    .from(assets)
    .where(
      and(
        notInArray(assets.state, NOT_IN_LIBRARY),
        options.state === 'failed' ? FAILED_CONDITION : undefined,
        after ? sql`(${assets.createdAt}, ${assets.id}) < (${after.createdAt}::timestamptz, ${after.id}::uuid)` : undefined,
      ),
    )
    .orderBy(desc(assets.createdAt), desc(assets.id))
    .limit(limit + 1);
  const page = found.slice(0, limit);
  const last = page.at(-1);
  const storage = await getStorage();
  return {
    ok: true,
    items: await Promise.all(page.map((row) => toAssetView(row.asset, storage))),
    nextCursor: found.length > limit && last ? encodeCursor({ createdAt: last.createdAtText, id: last.asset.id }) : null,
  };
}

/** How many photos the library holds, in all and under each filter (the filter links show them). */
export async function countLibrary(db: Db): Promise<Record<'all' | LibraryFilter, number>> {
  const [row] = await db
    .select({ all: sql<number>`count(*)::int`, failed: sql<number>`(count(*) filter (where ${FAILED_CONDITION}))::int` })
    .from(assets)
    .where(notInArray(assets.state, NOT_IN_LIBRARY));
  return { all: row?.all ?? 0, failed: row?.failed ?? 0 };
}

/** One asset by id; null for unknown, deleted or malformed ids alike. `withDetail` (admins) adds raw error details. */
export async function getAsset(id: string, options: ViewOptions = {}): Promise<AssetView | null> {
  if (!isUuid(id)) return null;
  const db = await getDb();
  const [asset] = await db.select().from(assets).where(eq(assets.id, id));
  return asset ? toAssetView(asset, await getStorage(), options) : null;
}

/**
 * Removes an asset's stored objects, then its row (alt history and vectors go with it by cascade). Objects go
 * first so that a failure half-way leaves a row to retry the delete from, never objects nobody points at; a
 * derive running meanwhile cleans up after itself when it finds the row gone.
 */
export async function deleteAsset(id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const db = await getDb();
  const [asset] = await db.select({ originalKey: assets.originalKey, derivativePrefix: assets.derivativePrefix }).from(assets).where(eq(assets.id, id));
  if (!asset) return false;
  const storage = await getStorage();
  const keys = [asset.originalKey, ...DERIVATIVE_KINDS.map((kind) => derivativeKey(asset.derivativePrefix, kind))];
  await Promise.all(keys.map((key) => storage.delete(key)));
  const deleted = await db.delete(assets).where(eq(assets.id, id)).returning({ id: assets.id });
  return deleted.length > 0;
}
