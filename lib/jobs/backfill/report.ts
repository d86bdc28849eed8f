import { desc, sql } from 'drizzle-orm';
import { altStatusSql, visibleSql } from '@/lib/filters';
import { rows, type Db } from '@/db/client';
import { assets, backfillRuns, providerState, type BackfillRun } from '@/db/schema';
import { BATCH_PRICE_SHARE, costUsd, remainingBudget, tokensPerCall, type Budget, type PaceLimits } from '@/lib/alt';
import { altFailedSql, altRetryingSql } from '@/lib/assets';
import { config } from '@/lib/config';
import { plural } from '@/lib/words';
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
  // No text yet and none decided: stored as none (or an old rejected).
  const undecidedEmpty = sql`(${altStatusSql('none', 'assets')} or ${altStatusSql('rejected', 'assets')}) and not decorative`;
  const noText = sql`alt_source is null and ${undecidedEmpty}`;
  const [row] = await rows<Record<keyof Coverage, number>>(
    db,
    sql`select count(*)::int as total,
      count(*) filter (where alt_status = 'approved')::int as approved,
      count(*) filter (where alt_status = 'decorative' or (decorative and alt_status <> 'approved'))::int as decorative,
      count(*) filter (where alt_status = 'proposed' and not decorative)::int as proposed,
      count(*) filter (where alt_source = 'human' and ${undecidedEmpty})::int as human,
      count(*) filter (where ${noText} and ${altRetryingSql()})::int as retrying,
      count(*) filter (where ${noText} and ${altFailedSql()})::int as failed,
      count(*) filter (where ${noText} and not ${altRetryingSql()} and not ${altFailedSql()})::int as missing
    from ${assets} where ${visibleSql('assets')}`,
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

/** Calls a minute the configured caps allow for calls of this size; null when no cap is set (the provider's headers pace it). */
export function callsPerMinute(limits: PaceLimits, tokens: number): number | null {
  const caps = [limits.requestsPerMinute, limits.tokensPerMinute ? limits.tokensPerMinute / tokens : undefined].filter((v): v is number => v !== undefined);
  return caps.length ? Math.min(...caps) : null;
}

export interface DryRun {
  counts: ReasonCounts;
  images: number;
  inputTokens: number;
  outputTokens: number;
  /** At the online price. */
  costUsd: number;
  /** The same calls through Groq's Batch API (BACKFILL_MODE=batch): half the price. */
  batchCostUsd: number;
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
    batchCostUsd: costUsd(images * tokens.input, images * tokens.output) * BATCH_PRICE_SHARE,
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
    `Would describe ${plural(counts.missing + counts.failed_due + counts.regenerate, 'asset')}: ${counts.missing} missing alt text, ${counts.failed_due} retrying and due again, ${counts.regenerate} to regenerate.`,
    `Would embed ${plural(counts.embedding, 'asset')} missing a vector for a live embedding model (no model call to the vision provider).`,
  ];
  if (plan.budget.limitedBy) {
    lines.push(`The daily budget (${plan.budget.limitedBy === 'images' ? 'BACKFILL_MAX_IMAGES_PER_DAY' : 'BACKFILL_MAX_USD_PER_DAY'}) allows ${plural(plan.budget.images, 'more image', 'more images')} today: the run would stop there.`);
  }
  lines.push(
    `Estimated tokens: ${plan.inputTokens.toLocaleString('en-US')} input + ${plan.outputTokens.toLocaleString('en-US')} output ` +
      `(${plan.tokensMeasured ? 'average of recent calls' : 'typical call; no calls measured yet'}).`,
  );
  lines.push(
    `Cost: about $${plan.costUsd.toFixed(4)} online, or $${plan.batchCostUsd.toFixed(4)} through Groq's Batch API ` +
      `(half price, answers within ${config().backfill.batchWindow}; BACKFILL_MODE=batch or --batch).`,
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
