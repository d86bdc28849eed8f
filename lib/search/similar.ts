import { sql } from 'drizzle-orm';
import { rows, type Db } from '@/db/client';
import { activeModel, indexedVectorType, modelLiteral } from '@/lib/embed';
import { filterConditions, type SearchFilters } from './filters';
import { RESULT_COLUMNS, toHitAsset, type ResultRow, type SearchHitAsset } from './result-row';
import { cosineDistance, planVectorScan, withVectorScan } from './vector-scan';
import type { Result } from '@/lib/result';

export const MAX_SIMILAR = 50;

export type SimilarResult = Result<
  { model: string | null; hits: { asset: SearchHitAsset; similarity: number }[]; notice: 'not_embedded_yet' | null },
  { kind: 'not_found'; message: string }
>;

/** "More like this": the asset's nearest neighbours under the active model, itself excluded. */
export async function similarAssets(db: Db, assetId: string, options: { limit: number; filters?: SearchFilters }): Promise<SimilarResult> {
  const [exists] = await rows<{ id: string }>(db, sql`select id from assets a where a.id = ${assetId} and ${filterConditions({})}`);
  if (!exists) return { ok: false, kind: 'not_found', message: 'No asset with this id (or its upload has not finished).' };
  const model = await activeModel(db);
  if (!model) return { ok: true, model: null, hits: [], notice: 'not_embedded_yet' };
  const limit = Math.min(Math.max(1, options.limit), MAX_SIMILAR);
  const type = indexedVectorType(model.dimensions);
  const [source] = await rows<{ embedded: boolean }>(db, sql`
    select exists (select 1 from asset_embeddings where asset_id = ${assetId} and model = ${modelLiteral(model.id)}) as embedded`);
  if (!source.embedded) return { ok: true, model: model.id, hits: [], notice: 'not_embedded_yet' };
  const scan = await planVectorScan(db, { candidates: limit, filters: options.filters ?? {} });
  const distance = cosineDistance(type, sql`(select v from source)`, scan);
  const found = await withVectorScan(db, scan, (tx) =>
    rows<ResultRow & { distance: number }>(tx, sql`
      with source as (
        select embedding::${type} as v from asset_embeddings where asset_id = ${assetId} and model = ${modelLiteral(model.id)}
      )
      select n.distance, ${sql.raw(RESULT_COLUMNS)}
      from (
        select e.asset_id, ${distance} as distance
        from asset_embeddings e join assets a on a.id = e.asset_id
        where e.model = ${modelLiteral(model.id)} and e.asset_id <> ${assetId} and ${filterConditions(options.filters ?? {})}
        order by ${distance}
        limit ${limit}
      ) n join assets a on a.id = n.asset_id
      order by n.distance, n.asset_id`),
  );
  const hits = found.map((row) => ({ asset: toHitAsset(row), similarity: 1 - Number(row.distance) }));
  return { ok: true, model: model.id, hits, notice: null };
}
