import { sql } from 'drizzle-orm';
import { rows, type Db } from '@/db/client';
import { indexedVectorType, modelLiteral, toVectorLiteral } from '@/lib/embed';
import { filterSql, type AssetFilter } from '@/lib/filters';
import { nearestSql } from '@/lib/search';

/**
 * The top-k asset ids by cosine distance under the model, as search reads them (nearestSql: one statement,
 * HNSW or an exact ranking under a selective filter) or exactly (index scans off: a full scan and sort, the
 * ground truth for recall and the baseline for speed).
 */
export async function vectorTopK(
  db: Db,
  model: { id: string; dimensions: number },
  vector: Float32Array,
  options: { k: number; exact: boolean; filters?: AssetFilter; candidates?: number },
): Promise<{ id: string; distance: number }[]> {
  const type = indexedVectorType(model.dimensions);
  const query = sql`${toVectorLiteral(vector)}::${type}`;
  const filter = options.filters ?? {};
  // Search reads a window of candidates (page + margin) and keeps the best; so does the approximate side here.
  const window = options.exact ? options.k : Math.max(options.k, options.candidates ?? options.k);
  const found = options.exact
    ? await db.transaction(async (tx) => {
        await tx.execute(sql`set local enable_indexscan = off`);
        return rows<{ asset_id: string; distance: number }>(tx, sql`
          select e.asset_id, (e.embedding::${type} <=> ${query}) as distance from asset_embeddings e join assets a on a.id = e.asset_id
          where e.model = ${modelLiteral(model.id)} and ${filterSql(filter)}
          order by 2, 1 limit ${window}`);
      })
    : await rows<{ asset_id: string; distance: number }>(db, sql`select asset_id, distance from ${nearestSql({ vectorType: type, model: modelLiteral(model.id), query, filter, limit: window })} n`);
  return found
    .map((row) => ({ id: row.asset_id, distance: Number(row.distance) }))
    .sort((a, b) => a.distance - b.distance || a.id.localeCompare(b.id))
    .slice(0, options.k);
}

/** Milliseconds each call of `work` took, after `warmup` untimed calls. */
export async function timeEach<T>(inputs: readonly T[], work: (input: T) => Promise<unknown>, warmup = 10): Promise<number[]> {
  for (const input of inputs.slice(0, warmup)) await work(input);
  const durations: number[] = [];
  for (const input of inputs) {
    const started = performance.now();
    await work(input);
    durations.push(performance.now() - started);
  }
  return durations;
}
