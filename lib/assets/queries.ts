import { and, desc, eq, notInArray, sql } from 'drizzle-orm';
import type { Db } from '@/db/handle';
import { assets, type Asset } from '@/db/schema';
import { DERIVATIVE_KINDS } from '@/lib/ingest';
import { derivativeKey, getStorage } from '@/lib/storage';
import { assetEventData, recordEvents } from '@/lib/webhooks';
import { decodeCursor, encodeCursor, isUuid } from './cursor';
import { toAssetView, type AssetView } from './view';
import type { Result } from '@/lib/result';

export const MAX_PAGE_SIZE = 100;

/** Rows that are not (yet) in the library: no verified original behind them. */
const NOT_IN_LIBRARY: Asset['state'][] = ['awaiting_upload', 'failed_upload'];

export type AssetPage = Result<{ items: AssetView[]; nextCursor: string | null }, { code: 'bad_request'; message: string }>;

/** The library, newest first, `limit` (1..100) at a time. */
export async function listAssets(db: Db, options: { cursor?: string; limit: number }): Promise<AssetPage> {
  const limit = Math.min(Math.max(Math.trunc(options.limit), 1), MAX_PAGE_SIZE);
  const after = options.cursor ? decodeCursor(options.cursor) : null;
  if (options.cursor && !after) return { ok: false, code: 'bad_request', message: 'The cursor is not valid: start again from the first page.' };
  const found = await db
    .select({ asset: assets, createdAtText: sql<string>`${assets.createdAt}::text` })
    .from(assets)
    .where(
      and(
        notInArray(assets.state, NOT_IN_LIBRARY),
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

/** One asset by id; null for unknown, deleted or malformed ids alike. */
export async function getAsset(db: Db, id: string): Promise<AssetView | null> {
  if (!isUuid(id)) return null;
  const [asset] = await db.select().from(assets).where(eq(assets.id, id));
  return asset ? toAssetView(asset, await getStorage()) : null;
}

/**
 * Removes an asset's stored objects, then its row (alt history and vectors go with it by cascade). Objects go
 * first so that a failure half-way leaves a row to retry the delete from, never objects nobody points at; a
 * derive running meanwhile cleans up after itself when it finds the row gone.
 */
export async function deleteAsset(db: Db, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const [asset] = await db.select({ originalKey: assets.originalKey, derivativePrefix: assets.derivativePrefix }).from(assets).where(eq(assets.id, id));
  if (!asset) return false;
  const storage = await getStorage();
  const keys = [asset.originalKey, ...DERIVATIVE_KINDS.map((kind) => derivativeKey(asset.derivativePrefix, kind))];
  await Promise.all(keys.map((key) => storage.delete(key)));
  // The event is a snapshot taken in the delete's transaction: its delivery hangs off the event, not the asset, so it survives the row.
  return db.transaction(async (tx) => {
    const deleted = await tx.delete(assets).where(eq(assets.id, id)).returning();
    if (deleted.length) await recordEvents(tx, 'asset.deleted', deleted.map(assetEventData));
    return deleted.length > 0;
  });
}
