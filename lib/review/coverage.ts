import { sql, type SQL } from 'drizzle-orm';
import { rows, type Db } from '@/db/client';
import { altFailureOf, failureMessage } from '@/lib/assets';
import { altStatusSql, filterSql } from '@/lib/filters';

/**
 * How much of the catalogue has alt text a person stands behind: approved, proposed (waiting for review),
 * missing, retrying (generation failed and Loupe tries again by itself, including proposals the gate refused),
 * failed (for good) and decorative, overall, per tag and per collection. Retrying and failed mean what they mean
 * everywhere (lib/assets/condition.ts). The buckets are the queue's status filters, so every number links to
 * exactly those assets.
 */

export const COVERAGE_BUCKETS = ['approved', 'proposed', 'missing', 'retrying', 'failed', 'decorative'] as const;
export type CoverageBucket = (typeof COVERAGE_BUCKETS)[number];

export type CoverageCounts = Record<CoverageBucket, number> & { total: number };

export interface CoverageRow extends CoverageCounts {
  value: string;
}

export interface Coverage {
  overall: CoverageCounts;
  byTag: CoverageRow[];
  byCollection: CoverageRow[];
}

/** Rows listed per tag and per collection: the largest ones. */
export const COVERAGE_GROUPS = 100;

/** Each bucket is the filter language's status of that name, so every number links to exactly those assets. */
function bucketColumns(): SQL {
  return sql.join(
    [sql`count(*)::int as total`, ...COVERAGE_BUCKETS.map((bucket) => sql`count(*) filter (where ${altStatusSql(bucket)})::int as ${sql.identifier(bucket)}`)],
    sql`, `,
  );
}

export async function coverage(db: Db): Promise<Coverage> {
  const columns = bucketColumns();
  const visible = filterSql({});
  const [overall, byTag, byCollection] = await Promise.all([
    rows<CoverageCounts>(db, sql`select ${columns} from assets a where ${visible}`),
    rows<CoverageRow>(
      db,
      sql`select t.value, ${columns} from assets a cross join lateral unnest(a.tags) as t(value) where ${visible}
          group by t.value order by count(*) desc, t.value limit ${COVERAGE_GROUPS}`,
    ),
    rows<CoverageRow>(
      db,
      sql`select a.collection as value, ${columns} from assets a where ${visible} and a.collection is not null
          group by a.collection order by count(*) desc, a.collection limit ${COVERAGE_GROUPS}`,
    ),
  ]);
  return { overall: overall[0], byTag, byCollection };
}

const CSV_COLUMNS = ['id', 'filename', 'sku', 'title', 'collection', 'tags', 'status', 'reason', 'uploaded_at'] as const;
const CSV_PAGE = 2_000;

/**
 * A spreadsheet cell: quoted, and a leading = + - @ (or tab / carriage return) neutralised with an apostrophe,
 * so a hostile filename or title cannot run as a formula when the file is opened.
 */
export function csvCell(value: string | null): string {
  if (value === null) return '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n']/.test(safe) || safe !== value ? `"${safe.replace(/"/g, '""')}"` : safe;
}

interface MissingRow {
  id: string;
  filename: string;
  sku: string | null;
  title: string | null;
  collection: string | null;
  tags: string[];
  status: string;
  reason: string | null;
  uploaded_at: string;
  created_at_text: string;
}

/** The CSV is for people: the table's words, never a failure code or the provider's own message. */
function humanReason(recorded: string | null): string | null {
  const failure = altFailureOf(recorded);
  return failure ? failureMessage(failure.code) : null;
}

/** Every uploaded asset without alt text a person stands behind (not approved, not decorative), oldest first, as CSV lines. */
export async function* missingAltCsv(db: Db): AsyncGenerator<string> {
  yield `${CSV_COLUMNS.join(',')}\r\n`;
  let after: { createdAt: string; id: string } | null = null;
  for (;;) {
    const keyset: SQL = after ? sql`and (a.created_at, a.id) > (${after.createdAt}::timestamptz, ${after.id}::uuid)` : sql``;
    const page: MissingRow[] = await rows<MissingRow>(
      db,
      sql`select a.id, a.filename, a.sku, a.title, a.collection, a.tags,
            case when ${altStatusSql('proposed')} then 'proposed' when ${altStatusSql('retrying')} then 'retrying' when ${altStatusSql('failed')} then 'failed' else 'missing' end as status,
            a.alt_last_error as reason, to_char(a.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as uploaded_at,
            a.created_at::text as created_at_text
          from assets a where ${filterSql({ status: 'undecided' })} ${keyset}
          order by a.created_at, a.id limit ${CSV_PAGE}`,
    );
    if (!page.length) return;
    yield page
      .map((row) => [row.id, row.filename, row.sku, row.title, row.collection, row.tags.join('; '), row.status, humanReason(row.reason), row.uploaded_at].map(csvCell).join(',') + '\r\n')
      .join('');
    const last = page[page.length - 1];
    after = { createdAt: last.created_at_text, id: last.id };
  }
}
