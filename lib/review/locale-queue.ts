import { sql } from 'drizzle-orm';
import { rows, type Db } from '@/db/client';
import { LOCALE_STATUSES, localeStatusCondition, type LocaleStatus } from '@/lib/alt';
import { decodeCursor, encodeCursor, failureMessage } from '@/lib/assets';
import { config } from '@/lib/config';
import type { Storage } from '@/lib/storage';
import { MAX_REVIEW_ITEMS } from './vocabulary';
import { visibleSql } from '@/lib/filters';
import { translatedLocales } from '@/lib/locales';
import { MAX_REVIEW_PAGE_SIZE, photoFacts, REVIEW_PAGE_SIZE, type ReviewItem, type ReviewPageResult } from './queue';
import type { ItemResult } from './decide';

/**
 * The queue of one locale other than the source (LOCALES): each photo's record in that locale, shown beside the
 * source locale's approved text and the photo, oldest first. Its statuses are the record's (lib/alt's
 * localeStatusCondition); a stale translation (its source text changed) is a proposal again.
 */

interface LocaleItemRow {
  id: string;
  version: number | null;
  status: LocaleStatus | null;
  stale: boolean | null;
  text: string | null;
  source: ReviewItem['provenance']['source'];
  author: string | null;
  model: string | null;
  prompt_version: string | null;
  updated_at: string | null;
  failure_code: string | null;
  failure_message: string | null;
  next_attempt_at: string | null;
  source_text: string | null;
  filename: string;
  title: string | null;
  sku: string | null;
  collection: string | null;
  tags: string[];
  width: number | null;
  height: number | null;
  vision: { key: string; width: number; height: number } | null;
  created_at: string;
  created_at_text: string;
}

export async function localeReviewPage(
  db: Db,
  storage: Storage,
  locale: string,
  status: LocaleStatus | undefined,
  options: { cursor?: string; limit?: number } = {},
): Promise<ReviewPageResult> {
  const cursor = options.cursor ? decodeCursor(options.cursor) : null;
  if (options.cursor && !cursor) return { ok: false, kind: 'bad_cursor' };
  const limit = Math.min(options.limit ?? REVIEW_PAGE_SIZE, MAX_REVIEW_PAGE_SIZE);
  const after = cursor ? sql`and (a.created_at, a.id) > (${cursor.createdAt}::timestamptz, ${cursor.id}::uuid)` : sql``;
  const page = await rows<LocaleItemRow>(
    db,
    sql`select a.id, t.version, t.status, t.stale, t.text, t.source, t.author, t.model, t.prompt_version, t.updated_at, t.failure_code, t.failure_message,
          t.next_attempt_at, case when a.alt_status = 'approved' then a.alt_text end as source_text, a.filename, a.title, a.sku, a.collection, a.tags,
          a.width, a.height, a.derivatives -> 'vision' as vision, a.created_at, a.created_at::text as created_at_text
        from assets a left join alt_texts t on t.asset_id = a.id and t.locale = ${locale}
        where ${visibleSql()} and ${localeStatusCondition(locale, status)} ${after}
        order by a.created_at, a.id limit ${limit + 1}`,
  );
  const more = page.length > limit;
  const visible = page.slice(0, limit);
  const items = await Promise.all(visible.map((row) => toItem(row, locale, storage)));
  const last = visible.at(-1);
  return { ok: true, items, nextCursor: more && last ? encodeCursor({ createdAt: last.created_at_text, id: last.id }) : null };
}

async function toItem(row: LocaleItemRow, locale: string, storage: Storage): Promise<ReviewItem> {
  const image = row.vision
    ? { url: await storage.signedGetUrl(row.vision.key, { expiresInSeconds: config().downloadUrlTtlSeconds, contentType: 'image/webp' }), width: row.vision.width, height: row.vision.height }
    : null;
  const status = row.status ?? 'missing';
  return {
    id: row.id,
    version: row.version ?? 0,
    status,
    text: row.text,
    replaces: null,
    reason: status === 'failed' ? failureMessage(row.failure_code) : row.stale ? 'The source text changed since this was translated.' : null,
    nextTryAt: status === 'failed' && row.next_attempt_at ? new Date(row.next_attempt_at).toISOString() : null,
    flags: [],
    ...photoFacts(row),
    provenance: { source: row.source, author: row.author, model: row.model, promptVersion: row.prompt_version, updatedAt: row.updated_at ? new Date(row.updated_at).toISOString() : null },
    image,
    locale,
    sourceText: row.source_text,
    stale: row.stale ?? false,
  };
}

/** Items in the locale's queue (or `status`), and how many have each status: the page's counts and coverage per locale. */
export async function localeCounts(db: Db, locale: string, status?: LocaleStatus): Promise<{ total: number; status: Record<LocaleStatus, number> }> {
  const [counts] = await rows<Record<string, number>>(
    db,
    sql`select count(*) filter (where ${localeStatusCondition(locale, status)})::int as total,
        ${sql.join(LOCALE_STATUSES.map((each) => sql`count(*) filter (where ${localeStatusCondition(locale, each)})::int as ${sql.identifier(each)}`), sql`, `)}
        from assets a where ${visibleSql()}`,
  );
  return { total: counts.total, status: Object.fromEntries(LOCALE_STATUSES.map((each) => [each, counts[each]])) as Record<LocaleStatus, number> };
}

/** "Select all N matching" in a locale's queue: the records unchanged since `asOf`; the others answered as conflicts. */
export async function localeItemsMatching(db: Db, locale: string, status: LocaleStatus | undefined, asOf: string): Promise<{ items: Array<{ id: string; version: number; text: null }>; answered: ItemResult[]; more: boolean }> {
  const found = await rows<{ id: string; version: number | null; text: string | null; fresh: boolean }>(
    db,
    sql`select a.id, t.version, t.text, (coalesce(t.updated_at, a.created_at) <= ${asOf}::timestamptz) as fresh
        from assets a left join alt_texts t on t.asset_id = a.id and t.locale = ${locale}
        where ${visibleSql()} and ${localeStatusCondition(locale, status)} order by a.created_at, a.id limit ${MAX_REVIEW_ITEMS + 1}`,
  );
  const within = found.slice(0, MAX_REVIEW_ITEMS);
  return {
    items: within.filter((row) => row.fresh).map((row) => ({ id: row.id, version: row.version ?? 0, text: null })),
    answered: within
      .filter((row) => !row.fresh)
      .map((row) => ({ id: row.id, outcome: 'conflict' as const, status: 409, version: row.version ?? 0, text: row.text, message: 'this asset changed after you chose "select all": nothing was done, look at it again' })),
    more: found.length > MAX_REVIEW_ITEMS,
  };
}

/** Each locale's coverage (how many photos have each status there), for the locales other than the source; none with one locale. */
export async function localeCoverage(db: Db): Promise<Array<{ locale: string; counts: Record<LocaleStatus, number> }>> {
  const coverage = [];
  for (const locale of translatedLocales()) coverage.push({ locale, counts: (await localeCounts(db, locale)).status });
  return coverage;
}
