import { and, eq, gte, sql } from 'drizzle-orm';
import { rows, type Db } from '@/db/client';
import { altHistory } from '@/db/schema';
import { config } from '@/lib/config';
import { DEFAULT_CALL_TOKENS } from './pacing';

/**
 * The daily budgets of background model calls (BACKFILL_MAX_IMAGES_PER_DAY, BACKFILL_MAX_USD_PER_DAY): what a
 * backfill run, a bulk regenerate and a review's reject may still spend today, measured from the alt-text
 * history's background calls, so every instance and every kind of run draws on one ledger.
 */

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

/**
 * What today's background model calls have used of the daily budget (UTC day): every call the provider answered
 * for a backfill run, a bulk regenerate or a review's reject, wherever it ran (a run, the sweeper, another instance).
 */
export async function usedToday(db: Db): Promise<{ images: number; usd: number }> {
  // A call whose cost was recorded (a Batch API answer, at half price) counts at that cost; any other at its tokens' online price.
  const [row] = await db
    .select({
      images: sql<number>`count(*)::int`,
      input: sql<number>`coalesce(sum(${altHistory.inputTokens}) filter (where ${altHistory.costUsd} is null), 0)::float8`,
      output: sql<number>`coalesce(sum(${altHistory.outputTokens}) filter (where ${altHistory.costUsd} is null), 0)::float8`,
      recorded: sql<number>`coalesce(sum(${altHistory.costUsd}), 0)::float8`,
    })
    .from(altHistory)
    .where(
      and(
        eq(altHistory.background, true),
        sql`(${altHistory.latencyMs} is not null or ${altHistory.inputTokens} is not null)`,
        gte(altHistory.createdAt, sql`date_trunc('day', now() at time zone 'utc') at time zone 'utc'`),
      ),
    );
  return { images: Number(row.images), usd: costUsd(Number(row.input), Number(row.output)) + Number(row.recorded) };
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
