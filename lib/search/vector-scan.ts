import { sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from '@/db/client';
import type { Executor } from '@/lib/embed';
import { filterConditions, hasFilters, type SearchFilters } from './filters';

/**
 * How one search reads vectors. Unfiltered, and under filters that keep many assets, it walks the model's HNSW
 * index. Under a selective filter it reads the few matching rows and ranks them exactly: an iterative HNSW scan
 * would have to wade through the graph's neighbourhood of the query, mostly rows the filter drops, and still
 * misses some of the true nearest (bench:search measures both).
 */
export interface VectorScan {
  exact: boolean;
  efSearch: number;
}

/** Filters keeping at most this many assets are ranked exactly: a few thousand distances cost a few milliseconds. */
const EXACT_SCAN_MAX_ROWS = 5000;

export async function planVectorScan(db: Executor, options: { candidates: number; filters: SearchFilters }): Promise<VectorScan> {
  const filtered = hasFilters(options.filters);
  const efSearch = Math.min(1000, Math.max(filtered ? 400 : 100, options.candidates));
  if (!filtered) return { exact: false, efSearch };
  const [{ matching }] = await rows<{ matching: number }>(db, sql`
    select count(*)::int as matching
    from (select 1 from assets a where ${filterConditions(options.filters)} limit ${EXACT_SCAN_MAX_ROWS + 1}) kept`);
  return { exact: matching <= EXACT_SCAN_MAX_ROWS, efSearch };
}

/**
 * Runs `work` in a transaction with the HNSW settings for one index scan. `SET LOCAL` keeps them to this
 * transaction (a pooled connection goes back unchanged). Iterative scans (pgvector 0.8) keep reading the index
 * until the filtered query has its rows, so a filter still fills a page; `relaxed_order` may return rows slightly
 * out of order, so callers re-sort by distance.
 */
export async function withVectorScan<T>(db: Db, scan: VectorScan, work: (tx: Executor) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    if (!scan.exact) {
      await tx.execute(sql`set local hnsw.iterative_scan = relaxed_order`);
      await tx.execute(sql.raw(`set local hnsw.ef_search = ${scan.efSearch}`));
    }
    return work(tx);
  });
}

/**
 * Cosine distance between the model's stored vectors (`e.embedding`) and `queryVector`, in the form the model's
 * partial index covers. For an exact scan the same distance is wrapped (`+ 0`) so the HNSW index cannot serve the
 * ORDER BY: the planner then applies the filter first and sorts the few rows it keeps.
 */
export function cosineDistance(vectorType: SQL, queryVector: SQL | string, scan: VectorScan): SQL {
  const query = typeof queryVector === 'string' ? sql`${queryVector}::${vectorType}` : queryVector;
  const distance = sql`(e.embedding::${vectorType} <=> ${query})`;
  return scan.exact ? sql`(${distance} + 0)` : distance;
}
