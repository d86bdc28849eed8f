import { sql } from 'drizzle-orm';
import { rows, type Db } from '@/db/client';
import { activeModel, indexedVectorType, modelLiteral } from '@/lib/embed';
import { filterSql, type AssetFilter } from '@/lib/filters';
import { RESULT_COLUMNS, toHitAsset, type ResultRow, type SearchHitAsset } from './result-row';
import { nearestSql } from './vector-scan';
import type { Result } from '@/lib/result';

export const MAX_SIMILAR = 50;

export type SimilarResult = Result<
  { model: string | null; hits: { asset: SearchHitAsset; similarity: number }[]; notice: 'not_embedded_yet' | null },
  { kind: 'not_found'; message: string }
>;

/**
 * "More like this": the asset's nearest neighbours under the active model, itself excluded, in one statement
 * (whether the asset exists, whether it has a vector, and its neighbours).
 */
export async function similarAssets(db: Db, assetId: string, options: { limit: number; filters?: AssetFilter }): Promise<SimilarResult> {
  const model = await activeModel(db);
  const limit = Math.min(Math.max(1, options.limit), MAX_SIMILAR);
  if (!model) {
    const [found] = await rows<{ id: string }>(db, sql`select a.id from assets a where a.id = ${assetId} and ${filterSql({})}`);
    return found ? { ok: true, model: null, hits: [], notice: 'not_embedded_yet' } : notFound();
  }
  const type = indexedVectorType(model.dimensions);
  const source = sql`(select embedding::${type} from asset_embeddings where asset_id = ${assetId} and model = ${modelLiteral(model.id)})`;
  const nearest = nearestSql({ vectorType: type, model: modelLiteral(model.id), query: source, filter: options.filters ?? {}, limit, exclude: sql`a.id <> ${assetId}` });
  // The asset's own row first (kind 'self'), then its neighbours; no row at all: no such visible asset.
  const found = await rows<ResultRow & { distance: number | null; self: boolean; embedded: boolean }>(db, sql`
    with self as (select a.id, ${source} is not null as embedded from assets a where a.id = ${assetId} and ${filterSql({})})
    select true as self, s.embedded, null::float8 as distance, ${sql.raw(RESULT_COLUMNS)}
    from self s join assets a on a.id = s.id
    union all
    select false, true, n.distance, ${sql.raw(RESULT_COLUMNS)}
    from ${nearest} n join assets a on a.id = n.asset_id
    where exists (select 1 from self where embedded)
    order by 1 desc, 3, 4`);
  const [self, ...neighbours] = found;
  if (!self?.self) return notFound();
  if (!self.embedded) return { ok: true, model: model.id, hits: [], notice: 'not_embedded_yet' };
  const hits = neighbours.map((row) => ({ asset: toHitAsset(row), similarity: 1 - Number(row.distance) }));
  return { ok: true, model: model.id, hits, notice: null };
}

function notFound(): SimilarResult {
  return { ok: false, kind: 'not_found', message: 'No asset with this id (or its upload has not finished).' };
}
