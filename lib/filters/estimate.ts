import { sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from '@/db/client';
import { filterSql } from './compile';

/**
 * Counts beside a filter without reading the whole library on every page view. A library of up to
 * EXACT_COUNT_MAX photos is counted exactly; a larger one is counted from a sample of the table's pages
 * (TABLESAMPLE SYSTEM, the same sample each time) scaled up, and the counts say they are estimates. The total
 * under the whole filter stays exact up to EXACT_COUNT_MAX (the count stops reading there).
 */

/** Above this many photos (in the library, or matching the whole filter) counts are estimated. */
export const EXACT_COUNT_MAX = 20_000;
/** Rows a sample aims to read: a value holding 5% of the library is counted within about a fifth. */
const SAMPLE_ROWS = 3_000;

export interface CountPlan {
  /** Assets matching the whole filter: exact up to EXACT_COUNT_MAX, estimated past it. */
  total: number;
  totalEstimated: boolean;
  /** Whether the counts read from `from` are a sample's, scaled. */
  estimated: boolean;
  /** `assets a` or its sample, for every count beside the filter. */
  from: SQL;
  /** Multiplies a count read from `from` into one for the whole library (1 when exact). */
  scale: number;
}

export interface CountOptions {
  /** Counts stay exact up to this many photos (EXACT_COUNT_MAX); tests lower it rather than load 20,000 rows. */
  exactMax?: number;
}

/** How to count under `where` (a condition on `assets a`; null for the whole library, then counted once). */
export async function planCounts(db: Db, where: SQL | null, options: CountOptions = {}): Promise<CountPlan> {
  const exactMax = options.exactMax ?? EXACT_COUNT_MAX;
  const bounded = (condition: SQL) => sql`(select count(*)::int from (select 1 from assets a where ${condition} limit ${exactMax + 1}) kept)`;
  const [found] = await rows<{ library: number; matching: number | null; table_rows: number }>(
    db,
    sql`select ${bounded(filterSql({}))} as library, ${where ? bounded(where) : sql`null::int`} as matching,
      (select greatest(reltuples, 0)::float8 from pg_class where oid = 'assets'::regclass) as table_rows`,
  );
  const matching = found.matching ?? found.library;
  if (found.library <= exactMax) return { total: matching, totalEstimated: false, estimated: false, from: sql`assets a`, scale: 1 };
  // A table never analysed has no row estimate: at least the rows just seen.
  const percent = Math.min(100, (100 * SAMPLE_ROWS) / Math.max(Number(found.table_rows), found.library));
  const from = sql`assets a tablesample system (${sql.raw(percent.toFixed(4))}) repeatable (0)`;
  const scale = 100 / percent;
  if (matching <= exactMax) return { total: matching, totalEstimated: false, estimated: true, from, scale };
  const [sampled] = await rows<{ count: number }>(db, sql`select count(*)::int as count from ${from} where ${where ?? filterSql({})}`);
  return { total: Math.max(exactMax + 1, Math.round(sampled.count * scale)), totalEstimated: true, estimated: true, from, scale };
}
