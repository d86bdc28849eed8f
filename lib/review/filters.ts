import { sql, type SQL } from 'drizzle-orm';
import { filterSql, flagSql, type AssetFilter, type FilterKey } from '@/lib/filters';
import { REVIEW_FLAGS } from './vocabulary';

/**
 * The review queue asks the filter language's question (lib/filters) with one default of its own: without a
 * status, what needs a decision (`undecided`). The page, the counts, "select all N matching" and the bench
 * ask exactly the same question.
 */

/** The queue's filter: `undecided` unless a status is asked for; `omit` leaves one part out (for its counts). */
export function queueSql(filter: AssetFilter, omit?: FilterKey): SQL {
  const scoped: AssetFilter = { ...filter, status: omit === 'status' ? undefined : filter.status };
  return filterSql({ ...scoped, status: scoped.status ?? 'undecided' }, 'a', { omit: omit === 'status' ? undefined : omit });
}

/** The item's raised flags as a text[] column (computed only for the few items on screen). */
export function flagsExpression(): SQL {
  const parts = REVIEW_FLAGS.map((flag) => sql`case when ${flagSql(flag, 'a', true)} then ${flag} end`);
  return sql`array_remove(array[${sql.join(parts, sql`, `)}]::text[], null)`;
}
