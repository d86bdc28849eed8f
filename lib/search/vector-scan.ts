import { sql, type SQL } from 'drizzle-orm';
import { filterSql, hasFilter, type AssetFilter } from '@/lib/filters';

/**
 * How one search reads vectors, decided inside the one statement that reads them (no count query first).
 * Unfiltered, and under filters that keep many assets, it walks the model's HNSW index with an iterative scan
 * (pgvector 0.8, here on PostgreSQL and PGlite alike), which keeps reading the graph until the filter has let
 * through enough rows. Under a selective filter it ranks the few matching rows exactly: the statement first
 * collects at most EXACT_SCAN_MAX_ROWS + 1 of them and a one-time condition picks the branch that runs, so the
 * other costs nothing.
 */

/** Filters keeping at most this many assets are ranked exactly: a few thousand distances cost a few milliseconds. */
export const EXACT_SCAN_MAX_ROWS = 5000;
/** pgvector's own ceiling for `hnsw.ef_search`. */
const MAX_EF_SEARCH = 1000;

/**
 * No candidate list is shorter than this. On a catalogue the vectors cluster by article and material, and the
 * graph reaches some clusters only through a few links: at 100,000 synthetic photos, 5 of 200 queries ("denim
 * watch", 287 photos at distance 0.20) came back with none of their true top 10 at a list of 128 (the walk
 * stopped in a neighbouring cluster at 0.31), and all of them whole at 400, for about half a millisecond more.
 */
const MIN_EF_SEARCH = 400;

/**
 * The graph's candidate list for a window of `candidates` rows: at least MIN_EF_SEARCH, and twice the window
 * (HNSW returns at most ef_search rows per pass, and a list barely larger than the window leaves its last rows
 * to chance where many photos share one text, so one vector), within pgvector's ceiling. The same with or
 * without a filter: the iterative scan goes on reading past a filter's rejections.
 */
export function efSearchFor(candidates: number): number {
  return Math.min(MAX_EF_SEARCH, Math.max(MIN_EF_SEARCH, 2 * candidates));
}

/**
 * The HNSW settings for this statement alone, applied by a one-time condition that runs before the index is
 * read (`set_config(…, true)` ends with the statement's transaction, so a pooled connection goes back unchanged).
 * `relaxed_order` may return rows slightly out of order: callers re-sort by distance.
 */
function hnswSettings(efSearch: number): SQL {
  return sql`(select set_config('hnsw.ef_search', ${String(efSearch)}, true) || set_config('hnsw.iterative_scan', 'relaxed_order', true)) is not null`;
}

export interface NearestOptions {
  /** The indexed vector type (`halfvec(384)`…) and the model's partial-index predicate value. */
  vectorType: SQL;
  model: SQL;
  /** The query vector: a literal, or a scalar subquery (more like this). */
  query: SQL;
  filter: AssetFilter;
  /** How many nearest rows to return. */
  limit: number;
  /** Rows left out whatever the filter (the asset itself, for more like this). */
  exclude?: SQL;
}

/** A subquery of `(asset_id, distance)`: the `limit` nearest visible assets matching the filter, in any order. */
export function nearestSql(options: NearestOptions): SQL {
  const { vectorType, model, query, filter, limit } = options;
  const distance = sql`(e.embedding::${vectorType} <=> ${query})`;
  const exclude = options.exclude ? sql`and ${options.exclude}` : sql``;
  const efSearch = efSearchFor(limit);
  const where = filterSql(filter);
  if (!hasFilter(filter)) {
    return sql`(select e.asset_id, ${distance} as distance
      from asset_embeddings e join assets a on a.id = e.asset_id
      where e.model = ${model} and ${where} ${exclude} and ${hnswSettings(efSearch)}
      order by ${distance} limit ${limit})`;
  }
  // `+ 0` keeps the HNSW index from serving the exact branch's sort: it reads the kept rows' vectors by key.
  return sql`(with kept as materialized (select a.id from assets a where ${where} ${exclude} limit ${EXACT_SCAN_MAX_ROWS + 1}),
    selective as (select count(*) <= ${EXACT_SCAN_MAX_ROWS} as yes from kept)
    (select e.asset_id, ${distance} + 0 as distance
      from kept k join asset_embeddings e on e.asset_id = k.id and e.model = ${model}
      where (select yes from selective)
      order by 2, 1 limit ${limit})
    union all
    (select e.asset_id, ${distance} as distance
      from asset_embeddings e join assets a on a.id = e.asset_id
      where e.model = ${model} and ${where} ${exclude} and not (select yes from selective) and ${hnswSettings(efSearch)}
      order by ${distance} limit ${limit}))`;
}
