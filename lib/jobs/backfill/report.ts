import { and, desc, gte, sql } from 'drizzle-orm';
import { rows, type Db } from '@/db/client';
import { altHistory, assets, backfillRuns, providerState, type BackfillRun } from '@/db/schema';
import { DEFAULT_CALL_TOKENS, type PaceLimits } from '@/lib/alt/pacing';
import { altFailedSql, altRetryingSql } from '@/lib/assets';
import { config } from '@/lib/config';
import { countByReason, type ReasonCounts } from './selection';
import type { BackfillSelection } from './options';

/** What the admin page and the dry run show: coverage, the provider's state, recent runs, estimates. */

export interface Coverage {
  total: number;
  approved: number;
  proposed: number;
  human: number;
  missing: number;
  retrying: number;
  failed: number;
  decorative: number;
}

/**
 * Alt-text coverage of every asset past upload. Each asset is in exactly one bucket; retrying and failed mean
 * what they mean on every page (lib/assets/condition.ts).
 */
export async function altCoverage(db: Db): Promise<Coverage> {
  const noText = sql`alt_source is null and alt_status not in ('approved', 'proposed', 'decorative') and not decorative`;
  const [row] = await rows<Record<keyof Coverage, number>>(
    db,
    sql`select count(*)::int as total,
      count(*) filter (where alt_status = 'approved')::int as approved,
      count(*) filter (where alt_status = 'decorative' or (decorative and alt_status <> 'approved'))::int as decorative,
      count(*) filter (where alt_status = 'proposed' and not decorative)::int as proposed,
      count(*) filter (where alt_source = 'human' and alt_status not in ('approved', 'proposed', 'decorative') and not decorative)::int as human,
      count(*) filter (where ${noText} and ${altRetryingSql()})::int as retrying,
      count(*) filter (where ${noText} and ${altFailedSql()})::int as failed,
      count(*) filter (where ${noText} and not ${altRetryingSql()} and not ${altFailedSql()})::int as missing
    from ${assets} where state not in ('awaiting_upload', 'failed_upload') and deleted_at is null`,
  );
  return Object.fromEntries(Object.entries(row).map(([key, value]) => [key, Number(value)])) as unknown as Coverage;
}

export interface ProviderStatus {
  provider: string;
  blockedUntil: Date | null;
  reason: string | null;
  remainingRequests: number | null;
  remainingTokens: number | null;
  callsToday: number;
}

export async function providerStatuses(db: Db): Promise<ProviderStatus[]> {
  const today = new Date().toISOString().slice(0, 10);
  const states = await db.select().from(providerState).orderBy(providerState.provider);
  return states.map((state) => ({
    provider: state.provider,
    blockedUntil: state.blockedUntil && state.blockedUntil > new Date() ? state.blockedUntil : null,
    reason: state.blockedUntil && state.blockedUntil > new Date() ? state.reason : null,
    remainingRequests: state.remainingRequests,
    remainingTokens: state.remainingTokens,
    callsToday: state.callsDay === today ? state.callsToday : 0,
  }));
}

export async function recentRuns(db: Db, limit = 20): Promise<BackfillRun[]> {
  return db.select().from(backfillRuns).orderBy(desc(backfillRuns.startedAt)).limit(limit);
}

/** Tokens a call takes, on average over the recent calls that reported usage; defaults until there are some. */
export async function tokensPerCall(db: Db): Promise<{ input: number; output: number; measured: boolean }> {
  const [row] = await rows<{ input: number | null; output: number | null }>(
    db,
    sql`select avg(input_tokens)::float8 as input, avg(output_tokens)::float8 as output from (
      select input_tokens, output_tokens from ${altHistory} where input_tokens > 0 order by created_at desc limit 200) recent`,
  );
  if (row?.input === null || row?.input === undefined) return { input: DEFAULT_CALL_TOKENS - 40, output: 40, measured: false };
  return { input: Math.round(Number(row.input)), output: Math.round(Number(row.output ?? 0)), measured: true };
}

export function costUsd(inputTokens: number, outputTokens: number): number {
  const price = config().vision.pricePerMTok;
  return (inputTokens * price.input + outputTokens * price.output) / 1_000_000;
}

/** Calls a minute the configured caps allow for calls of this size; null when no cap is set (the provider's headers pace it). */
export function callsPerMinute(limits: PaceLimits, tokens: number): number | null {
  const caps = [limits.requestsPerMinute, limits.tokensPerMinute ? limits.tokensPerMinute / tokens : undefined].filter((v): v is number => v !== undefined);
  return caps.length ? Math.min(...caps) : null;
}

/** What today's backfill runs have used of the daily budget (UTC day). */
export async function usedToday(db: Db): Promise<{ images: number; usd: number }> {
  const [row] = await db
    .select({
      images: sql<number>`coalesce(sum(${backfillRuns.written} + (select coalesce(sum(value::int), 0) from jsonb_each_text(${backfillRuns.failed}) where key like 'describe:%')), 0)::int`,
      usd: sql<number>`coalesce(sum(${backfillRuns.costUsd}), 0)::float8`,
    })
    .from(backfillRuns)
    .where(and(gte(backfillRuns.startedAt, sql`date_trunc('day', now() at time zone 'utc') at time zone 'utc'`)));
  return { images: Number(row.images), usd: Number(row.usd) };
}

export interface Budget {
  /** Alt-text images this run may still send, under the daily caps (Infinity without caps). */
  images: number;
  /** Which cap limits it, if any. */
  limitedBy: 'images' | 'usd' | null;
  estimatedUsdPerImage: number;
  /** Dollars left today under BACKFILL_MAX_USD_PER_DAY (Infinity without it): a run stops once its real cost reaches it. */
  usdLeft: number;
}

export async function remainingBudget(db: Db): Promise<Budget> {
  const { maxImagesPerDay, maxUsdPerDay } = config().backfill;
  const used = await usedToday(db);
  const tokens = await tokensPerCall(db);
  const perImage = costUsd(tokens.input, tokens.output);
  const byImages = maxImagesPerDay === undefined ? Number.POSITIVE_INFINITY : Math.max(0, maxImagesPerDay - used.images);
  const usdLeft = maxUsdPerDay === undefined ? Number.POSITIVE_INFINITY : Math.max(0, maxUsdPerDay - used.usd);
  const byUsd = Math.floor(usdLeft / Math.max(perImage, 1e-9));
  const images = Math.min(byImages, byUsd);
  const limitedBy = images === Number.POSITIVE_INFINITY ? null : byImages <= byUsd ? 'images' : 'usd';
  return { images, limitedBy, estimatedUsdPerImage: perImage, usdLeft };
}

export interface DryRun {
  counts: ReasonCounts;
  images: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  /** At the configured caps; null when none is set. */
  minutes: number | null;
  callsPerMinute: number | null;
  tokensMeasured: boolean;
  budget: Budget;
}

/** Counts, tokens, cost and time of a run, without a model call or a write. */
export async function dryRun(db: Db, selection: BackfillSelection): Promise<DryRun> {
  const counts = await countByReason(db, selection);
  const budget = await remainingBudget(db);
  const images = Math.min(counts.missing + counts.failed_due + counts.regenerate, budget.images);
  const tokens = await tokensPerCall(db);
  const rate = callsPerMinute(config().vision.limits, tokens.input + tokens.output);
  return {
    counts,
    images,
    inputTokens: images * tokens.input,
    outputTokens: images * tokens.output,
    costUsd: costUsd(images * tokens.input, images * tokens.output),
    minutes: rate ? images / rate : null,
    callsPerMinute: rate,
    tokensMeasured: tokens.measured,
    budget,
  };
}

/** The dry run as the lines the CLI prints and the admin page shows. */
export function describeDryRun(plan: DryRun): string[] {
  const { counts } = plan;
  const lines = [
    `Would describe ${counts.missing + counts.failed_due + counts.regenerate} asset(s): ${counts.missing} missing alt text, ${counts.failed_due} retrying and due again, ${counts.regenerate} to regenerate.`,
    `Would embed ${counts.embedding} asset(s) missing a vector for a live embedding model (no model call to the vision provider).`,
  ];
  if (plan.budget.limitedBy) {
    lines.push(`The daily budget (${plan.budget.limitedBy === 'images' ? 'BACKFILL_MAX_IMAGES_PER_DAY' : 'BACKFILL_MAX_USD_PER_DAY'}) allows ${plan.budget.images} more image(s) today: the run would stop there.`);
  }
  lines.push(
    `Estimated tokens: ${plan.inputTokens.toLocaleString('en-US')} input + ${plan.outputTokens.toLocaleString('en-US')} output ` +
      `(${plan.tokensMeasured ? 'average of recent calls' : 'typical call; no calls measured yet'}), about $${plan.costUsd.toFixed(4)}.`,
  );
  lines.push(
    plan.minutes === null
      ? 'Time: no VISION_RPM or VISION_TPM set; the provider\'s own rate-limit headers will pace the run.'
      : `Time at the current limits (${(plan.callsPerMinute ?? 0).toFixed(1)} calls a minute): about ${formatMinutes(plan.minutes)}.`,
  );
  lines.push('No model was called.');
  return lines;
}

export function formatMinutes(minutes: number): string {
  if (minutes < 1) return `${Math.ceil(minutes * 60)} s`;
  if (minutes < 120) return `${Math.round(minutes)} min`;
  return `${(minutes / 60).toFixed(1)} h`;
}
