import { sql } from 'drizzle-orm';
import { rows, type Db } from '@/db/client';
import { EXACT_COUNT_MAX, filterSql, hasFilter, planCounts, type AssetFilter, type CountOptions } from '@/lib/filters';
import { conditionSql } from './condition';

/**
 * The library page's counts through the filter language's one counting plan (lib/filters planCounts): exact in
 * a library of up to EXACT_COUNT_MAX photos, read from the plan's sample and scaled past it (marked, shown as
 * "~N"), so a page view never counts the whole of a large library.
 */
export interface LibraryCounts {
  /** Photos matching the page's filter (what "select all matching" acts on): exact up to the limit. */
  total: number;
  /** Past the limit of matching photos the total is estimated ("About N"). */
  totalEstimated: boolean;
  /** The counts below are a sample's, scaled ("~N"). */
  estimated: boolean;
  all: number;
  failed: number;
  retrying: number;
  notInStore: number;
  storeConflicts: number;
}

export async function countLibrary(db: Db, filter: AssetFilter = {}, options: CountOptions = {}): Promise<LibraryCounts> {
  // Unfiltered (the library's front page), the library is counted once, not again as the filter's total.
  const plan = await planCounts(db, hasFilter(filter) ? filterSql(filter) : null, options);
  const [row] = await rows<{ library: number; failed: number; retrying: number; not_in_store: number; conflict: number }>(
    db,
    sql`select count(*)::int as library,
        (count(*) filter (where ${conditionSql('failed', 'a')}))::int as failed,
        (count(*) filter (where ${conditionSql('retrying', 'a')}))::int as retrying,
        (count(*) filter (where ${filterSql({ store: 'not_in_store' })}))::int as not_in_store,
        (count(*) filter (where ${filterSql({ store: 'conflict' })}))::int as conflict
      from ${plan.from} where ${filterSql({})}`,
  );
  const scaled = (count: number) => Math.round(count * plan.scale);
  return {
    total: plan.total,
    totalEstimated: plan.totalEstimated,
    estimated: plan.estimated,
    // An estimated library is known to be past the limit, whatever the sample happened to hold.
    all: plan.estimated ? Math.max((options.exactMax ?? EXACT_COUNT_MAX) + 1, scaled(row.library)) : row.library,
    failed: scaled(row.failed),
    retrying: scaled(row.retrying),
    notInStore: scaled(row.not_in_store),
    storeConflicts: scaled(row.conflict),
  };
}

/** How many photos the filter matches (GET /api/assets?total=1): exact up to the limit, estimated and marked past it. */
export async function countAssets(db: Db, filter: AssetFilter, options: CountOptions = {}): Promise<{ total: number; totalEstimated: boolean }> {
  const plan = await planCounts(db, hasFilter(filter) ? filterSql(filter) : null, options);
  return { total: plan.total, totalEstimated: plan.totalEstimated };
}
