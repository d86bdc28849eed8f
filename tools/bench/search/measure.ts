import { sql } from 'drizzle-orm';
import { rows, type Db } from '@/db/client';
import { indexedVectorType, modelLiteral, toVectorLiteral } from '@/lib/embed';
import { filterConditions, type SearchFilters, cosineDistance, planVectorScan, withVectorScan } from '@/lib/search';

/**
 * The top-k asset ids by cosine distance under the model, through its HNSW index (as search runs it) or exactly
 * (index scans off: a full scan and sort, the ground truth for recall and the baseline for speed).
 */
export async function vectorTopK(
  db: Db,
  model: { id: string; dimensions: number },
  vector: Float32Array,
  options: { k: number; exact: boolean; filters?: SearchFilters; candidates?: number },
): Promise<{ id: string; distance: number }[]> {
  // HNSW serves only `order by <distance>` alone; a second sort key would silently turn it into a full scan.
  // Search reads a window of candidates (page + margin) and keeps the best; so does the approximate side here,
  // planned the way search plans it (exact under a selective filter).
  const window = options.exact ? options.k : Math.max(options.k, options.candidates ?? options.k);
  const scan = await planVectorScan(db, { candidates: window, filters: options.filters ?? {} });
  const distance = cosineDistance(indexedVectorType(model.dimensions), toVectorLiteral(vector), scan);
  const found = await withVectorScan(db, scan, async (tx) => {
    if (options.exact) await tx.execute(sql`set local enable_indexscan = off`);
    return rows<{ asset_id: string; distance: number }>(tx, sql`
      select e.asset_id, ${distance} as distance from asset_embeddings e join assets a on a.id = e.asset_id
      where e.model = ${modelLiteral(model.id)} and ${filterConditions(options.filters ?? {})}
      order by ${distance}${options.exact ? sql`, e.asset_id` : sql``}
      limit ${window}`);
  });
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
