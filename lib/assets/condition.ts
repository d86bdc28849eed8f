import { and, eq, inArray, isNotNull, min, sql, type SQL } from 'drizzle-orm';
import type { Db } from '@/db/handle';
import { assets, jobs, type Asset } from '@/db/schema';
import { PROCESSING_STATES } from '@/lib/filters/client';

/**
 * The one meaning of "failed" and "retrying", for every page and the API (library and its counts, GET
 * /api/assets?state=, the asset and upload pages, coverage, the review queue, the backfill page):
 *
 * - failed: a step failed for good (making thumbnails, reading a video, writing alt text, indexing). Nothing more
 *   happens by itself; a person retries or deletes. The asset's state is `failed_<step>`.
 * - retrying: a step failed and Loupe tries it again by itself at a known time (shown as "next try …"). Either
 *   a job waits for its next attempt after an error (the asset's `error_code` is set while its state is not
 *   failed), or alt text could not be written and is due again at `alt_next_attempt_at`.
 *
 * Neither is a provider that is not set up (no vision provider: the text is missing; an embedding model that
 * cannot load: the instance says so once, lib/embed). Each rule is written here twice, as SQL and as
 * TypeScript over the same columns, side by side, so they cannot drift apart.
 */

/** The filter language's `state` values (lib/filters), each defined here. */
export const CONDITIONS = PROCESSING_STATES;
export type Condition = (typeof CONDITIONS)[number];

export const FAILED_STATES = ['failed_derive', 'failed_describe', 'failed_embed'] as const satisfies readonly Asset['state'][];

/** Columns of `assets` under a table name or alias ('assets' in drizzle queries, 'a' in the review's SQL). */
const column = (table: string, name: string) => sql.raw(`${table}.${name}`);

type FailedColumns = Pick<Asset, 'state'>;
type AltColumns = Pick<Asset, 'altStatus' | 'altLastError' | 'altNextAttemptAt'>;
type ConditionColumns = FailedColumns & AltColumns & Pick<Asset, 'errorCode'>;

export function failedSql(table = 'assets'): SQL {
  return sql`${column(table, 'state')} in ('failed_derive', 'failed_describe', 'failed_embed')`;
}
export function isFailed(asset: FailedColumns): boolean {
  return (FAILED_STATES as readonly string[]).includes(asset.state);
}

/**
 * Alt text nobody has written (no text, not decorative) whose generation failed and is tried again at a set
 * time, unless its step has since failed for good.
 */
export function altRetryingSql(table = 'assets'): SQL {
  return sql`(${column(table, 'alt_status')} = 'none' and ${column(table, 'alt_last_error')} is not null and ${column(table, 'alt_next_attempt_at')} is not null and ${column(table, 'state')} <> 'failed_describe')`;
}
export function isAltRetrying(asset: AltColumns & FailedColumns): boolean {
  return asset.altStatus === 'none' && asset.altLastError !== null && asset.altNextAttemptAt !== null && asset.state !== 'failed_describe';
}

/** Alt text whose step failed for good. */
export function altFailedSql(table = 'assets'): SQL {
  return sql`(${column(table, 'alt_status')} = 'none' and ${column(table, 'state')} = 'failed_describe')`;
}

export function retryingSql(table = 'assets'): SQL {
  return sql`(not ${failedSql(table)} and (${column(table, 'error_code')} is not null or ${altRetryingSql(table)}))`;
}
export function isRetrying(asset: ConditionColumns): boolean {
  return !isFailed(asset) && (asset.errorCode !== null || isAltRetrying(asset));
}

export function conditionSql(condition: Condition, table = 'assets'): SQL {
  return condition === 'failed' ? failedSql(table) : retryingSql(table);
}
export function conditionOf(asset: ConditionColumns): Condition | null {
  if (isFailed(asset)) return 'failed';
  return isRetrying(asset) ? 'retrying' : null;
}

/**
 * When Loupe tries again by itself: the earliest of the step's next attempt (`jobRetryAt`, from its job) and
 * the alt text's. Null unless retrying.
 */
export function nextTryAt(asset: ConditionColumns, jobRetryAt: Date | null): Date | null {
  if (!isRetrying(asset)) return null;
  const times = [asset.errorCode !== null ? jobRetryAt : null, isAltRetrying(asset) ? asset.altNextAttemptAt : null].filter((time): time is Date => time !== null);
  return times.length ? new Date(Math.min(...times.map((time) => time.getTime()))) : null;
}

/**
 * When each asset's waiting step is due again (the `jobRetryAt` of nextTryAt), for the assets on a page: the
 * job whose error the asset shows (lib/jobs writes the asset's error from the kinds that count toward its
 * state only), so work that is not the photo's (its purge) never says when the photo is tried again.
 */
export async function jobRetryTimes(db: Pick<Db, 'select'>, assetIds: readonly string[]): Promise<Map<string, Date>> {
  if (assetIds.length === 0) return new Map();
  const found = await db
    .select({ assetId: jobs.assetId, at: min(jobs.nextAttemptAt) })
    .from(jobs)
    .innerJoin(assets, and(eq(assets.id, jobs.assetId), eq(assets.errorCode, jobs.lastErrorCode)))
    .where(and(inArray(jobs.assetId, [...assetIds]), inArray(jobs.status, ['pending', 'waiting', 'running']), isNotNull(jobs.lastErrorCode)))
    .groupBy(jobs.assetId);
  return new Map(found.flatMap((row) => (row.assetId && row.at ? [[row.assetId, new Date(row.at)] as const] : [])));
}
