import { sql } from 'drizzle-orm';
import { rows, type Db } from '@/db/client';
import { flagSql, reviewStatusOfSql, type AssetFilter, type FilterKey } from '@/lib/filters';
import { queueSql } from './filters';
import { QUEUE_STATUSES, REVIEW_FLAG_FILTERS, type ReviewFlagFilter, type ReviewStatus } from './vocabulary';

/**
 * Counts beside each filter choice: for each dimension, how many items every other active filter leaves for
 * each of its values (so choosing one shows the number it promised).
 */
export interface ReviewCounts {
  /** Items matching the whole filter. */
  total: number;
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
  const [total, status, flag, tag, collection, model, promptVersion] = await Promise.all([
    countMatching(db, filter),
    statusCounts(db, filter),
    flagCounts(db, filter),
    valueCounts(db, filter, 'tag', sql`unnest(a.tags)`),
    valueCounts(db, filter, 'collection', sql`a.collection`),
    valueCounts(db, filter, 'model', sql`a.alt_model`),
    valueCounts(db, filter, 'promptVersion', sql`a.alt_prompt_version`),
  ]);
  return { total, status, flag, tag, collection, model, promptVersion };
}

export async function countMatching(db: Db, filter: AssetFilter): Promise<number> {
  const [row] = await rows<{ count: number }>(db, sql`select count(*)::int as count from assets a where ${queueSql(filter)}`);
  return row.count;
}

async function statusCounts(db: Db, filter: AssetFilter): Promise<ReviewCounts['status']> {
  const found = await rows<{ status: ReviewStatus; count: number }>(
    db,
    sql`select ${reviewStatusOfSql()} as status, count(*)::int as count from assets a where ${queueSql(filter, 'status')} group by 1`,
  );
  const counts: ReviewCounts['status'] = Object.fromEntries(QUEUE_STATUSES.map((status) => [status, 0]));
  for (const row of found) counts[row.status] = row.count;
  // As the filter has it: proposed includes outdated, retrying includes gate_rejected.
  counts.proposed = (counts.proposed ?? 0) + (counts.outdated ?? 0);
  counts.retrying = (counts.retrying ?? 0) + (counts.gate_rejected ?? 0);
  return counts;
}

async function flagCounts(db: Db, filter: AssetFilter): Promise<ReviewCounts['flag']> {
  const columns = REVIEW_FLAG_FILTERS.map((flag) => sql`count(*) filter (where ${flagSql(flag)})::int as ${sql.identifier(flag)}`);
  const [row] = await rows<Record<ReviewFlagFilter, number>>(db, sql`select ${sql.join(columns, sql`, `)} from assets a where ${queueSql(filter, 'flag')}`);
  return row;
}

async function valueCounts(db: Db, filter: AssetFilter, omit: FilterKey, value: ReturnType<typeof sql>): Promise<Array<{ value: string; count: number }>> {
  return rows<{ value: string; count: number }>(
    db,
    sql`select v as value, count(*)::int as count from (select ${value} as v from assets a where ${queueSql(filter, omit)}) x
        where v is not null group by v order by count(*) desc, v limit ${TOP_VALUES}`,
  );
}
