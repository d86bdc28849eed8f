import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '@/db/client';
import type { Executor } from '@/lib/embed/vector-index';

/**
 * Runs `work` in a transaction with the HNSW settings for one search. `SET LOCAL` keeps them to this transaction
 * (a pooled connection goes back unchanged). Iterative scans (pgvector 0.8) keep reading the index until the
 * filtered query has its rows, so a selective filter still fills a page; `relaxed_order` may return rows slightly
 * out of order, so callers re-sort by distance. A filter widens the search list: the rows it keeps may lie
 * away from the query's neighbourhood, and a wider list finds the closest of them (bench:search measures it).
 */
export async function withVectorScan<T>(db: Db, scan: { candidates: number; filtered: boolean }, work: (tx: Executor) => Promise<T>): Promise<T> {
  const efSearch = Math.min(1000, Math.max(scan.filtered ? 400 : 100, scan.candidates));
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local hnsw.iterative_scan = relaxed_order`);
    await tx.execute(sql.raw(`set local hnsw.ef_search = ${efSearch}`));
    return work(tx);
  });
}

/** Cosine distance between the model's stored vectors and `query`, in the form the model's partial index covers. */
export function cosineDistance(vectorType: SQL, queryVector: string): SQL {
  return sql`(e.embedding::${vectorType} <=> ${queryVector}::${vectorType})`;
}
