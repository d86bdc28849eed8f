import { sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from '@/db/client';
import { flagSql, planCounts, reviewStatusOfSql, type AssetFilter, type CountPlan, type FilterKey } from '@/lib/filters';
import { queueSql } from './filters';
import { QUEUE_STATUSES, REVIEW_FLAG_FILTERS, type ReviewFlagFilter, type ReviewStatus } from './vocabulary';

/**
 * Counts beside each filter choice: for each dimension, how many items every other active filter leaves for
 * each of its values (so choosing one shows the number it promised). Past a size they are estimated from a
 * sample and marked as such (lib/filters planCounts): never a full scan per page view.
 */
export interface ReviewCounts {
  /** Items matching the whole filter. */
  total: number;
  /** Past EXACT_COUNT_MAX matching items the total is estimated from a sample (the page says "about"). */
  totalEstimated: boolean;
  /** In a library past EXACT_COUNT_MAX photos the counts beside the filters are estimated from a sample ("~"). */
  estimated: boolean;
  status: Partial<Record<ReviewStatus, number>>;
  flag: Partial<Record<ReviewFlagFilter, number>>;
  tag: Array<{ value: string; count: number }>;
  collection: Array<{ value: string; count: number }>;
  model: Array<{ value: string; count: number }>;
  promptVersion: Array<{ value: string; count: number }>;
}

/** Values listed per dimension: the most common ones. */
const TOP_VALUES = 50;

export async function reviewCounts(db: Db, filter: AssetFilter): Promise<ReviewCounts> {
  const plan = await planCounts(db, queueSql(filter));
  const [status, flag, tag, collection, model, promptVersion] = await Promise.all([
    statusCounts(db, filter, plan),
    flagCounts(db, filter, plan),
    valueCounts(db, filter, plan, 'tag', sql`unnest(a.tags)`),
    valueCounts(db, filter, plan, 'collection', sql`a.collection`),
    valueCounts(db, filter, plan, 'model', sql`a.alt_model`),
    valueCounts(db, filter, plan, 'promptVersion', sql`a.alt_prompt_version`),
  ]);
  return { total: plan.total, totalEstimated: plan.totalEstimated, estimated: plan.estimated, status, flag, tag, collection, model, promptVersion };
}

export async function countMatching(db: Db, filter: AssetFilter): Promise<number> {
  const [row] = await rows<{ count: number }>(db, sql`select count(*)::int as count from assets a where ${queueSql(filter)}`);
  return row.count;
}

/** A count read from the plan's rows, scaled to the library when they are a sample. */
const scaled = (plan: CountPlan, count: number) => Math.round(count * plan.scale);

async function statusCounts(db: Db, filter: AssetFilter, plan: CountPlan): Promise<ReviewCounts['status']> {
  const found = await rows<{ status: ReviewStatus; count: number }>(
    db,
    sql`select ${reviewStatusOfSql()} as status, count(*)::int as count from ${plan.from} where ${queueSql(filter, 'status')} group by 1`,
  );
  const counts: ReviewCounts['status'] = Object.fromEntries(QUEUE_STATUSES.map((status) => [status, 0]));
  for (const row of found) counts[row.status] = scaled(plan, row.count);
  // As the filter has it: proposed includes outdated, retrying includes gate_rejected.
  counts.proposed = (counts.proposed ?? 0) + (counts.outdated ?? 0);
  counts.retrying = (counts.retrying ?? 0) + (counts.gate_rejected ?? 0);
  return counts;
}

async function flagCounts(db: Db, filter: AssetFilter, plan: CountPlan): Promise<ReviewCounts['flag']> {
  // A sample probes each of its rows (perItem); an exact count collects the repeated texts once.
  const columns = REVIEW_FLAG_FILTERS.map((flag) => sql`count(*) filter (where ${flagSql(flag, 'a', plan.estimated)})::int as ${sql.identifier(flag)}`);
  const [row] = await rows<Record<ReviewFlagFilter, number>>(db, sql`select ${sql.join(columns, sql`, `)} from ${plan.from} where ${queueSql(filter, 'flag')}`);
  return Object.fromEntries(REVIEW_FLAG_FILTERS.map((flag) => [flag, scaled(plan, row[flag])]));
}

async function valueCounts(db: Db, filter: AssetFilter, plan: CountPlan, omit: FilterKey, value: SQL): Promise<Array<{ value: string; count: number }>> {
  const found = await rows<{ value: string; count: number }>(
    db,
    sql`select v as value, count(*)::int as count from (select ${value} as v from ${plan.from} where ${queueSql(filter, omit)}) x
        where v is not null group by v order by count(*) desc, v limit ${TOP_VALUES}`,
  );
  return found.map((row) => ({ value: row.value, count: scaled(plan, row.count) }));
}
