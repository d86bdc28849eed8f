import { sql } from 'drizzle-orm';
import { rows, type Db } from '@/db/client';
import { abortableSleep } from './policy';
import type { AltFailure, AltResult } from './types';

/**
 * Paces model calls to the provider's limits, across every instance sharing the database. Each call reserves a
 * slot on one shared schedule (provider_state.next_call_at, moved in one atomic UPDATE with the database's
 * clock) and waits for it before the request is sent. The spacing starts from the configured caps
 * (VISION_RPM, VISION_TPM: one call per 60/RPM s, and per its tokens' share of a minute); every response then
 * moves the schedule by what the provider said (x-ratelimit-remaining-* at 0: hold until its reset; a 429:
 * hold for its retry-after), and the token share is corrected by the tokens the call really used.
 *
 * Interactive calls (an upload, a person's regenerate) queue on the schedule; backfill calls only take a
 * slot that is at most one spacing ahead, so an upload never waits behind more than one backfill call.
 */

export interface PaceLimits {
  requestsPerMinute?: number;
  tokensPerMinute?: number;
  requestsPerDay?: number;
}

export type Urgency = 'interactive' | 'backfill';

export type PaceTurn = { ok: true } | { ok: false; failure: AltFailure };

export interface CallPacer {
  /** Waits for this call's turn (before the request is sent); a failure when the day's cap is used up or the wait was cancelled. */
  turn(signal?: AbortSignal): Promise<PaceTurn>;
  /** Moves the shared schedule by what the response said. */
  record(result: AltResult): Promise<void>;
}

/** Until a call has reported its usage: about what a vision call with a 1200 px image and the prompt costs. */
export const DEFAULT_CALL_TOKENS = 1_300;
/** A 429 that says nothing about when: hold every instance this long. */
const UNSPECIFIED_429_HOLD_MS = 1_000;

interface PacerOptions {
  provider: string;
  limits: PaceLimits;
  urgency: Urgency;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<boolean>;
}

export function databasePacer(db: Db, options: PacerOptions): CallPacer {
  const sleep = options.sleep ?? abortableSleep;
  const { provider, limits } = options;
  let estimatedTokens = DEFAULT_CALL_TOKENS;
  let ensured = false;

  const spacingMs = () =>
    Math.max(
      limits.requestsPerMinute ? 60_000 / limits.requestsPerMinute : 0,
      limits.tokensPerMinute ? (estimatedTokens * 60_000) / limits.tokensPerMinute : 0,
    );

  return {
    async turn(signal) {
      if (!ensured) {
        await db.execute(sql`insert into provider_state (provider) values (${provider}) on conflict (provider) do nothing`);
        ensured = true;
      }
      for (;;) {
        if (signal?.aborted) return { ok: false, failure: { ok: false, kind: 'timeout', message: 'cancelled while waiting for a turn' } };
        const spacing = spacingMs();
        const horizon = options.urgency === 'interactive' ? null : spacing;
        const granted = await reserve(db, provider, spacing, horizon, limits.requestsPerDay ?? null);
        if (granted.kind === 'granted') {
          if (granted.waitMs > 0 && !(await sleep(granted.waitMs, signal))) continue;
          return { ok: true };
        }
        if (granted.kind === 'day_cap') {
          const message = `the daily cap of ${limits.requestsPerDay} requests (VISION_RPD) is used up; calls resume after midnight UTC`;
          return { ok: false, failure: { ok: false, kind: 'quota_exhausted', message, retryAfterMs: granted.waitMs } };
        }
        if (!(await sleep(Math.max(granted.waitMs, 1), signal))) continue;
      }
    },

    async record(result) {
      const signal = result.rateLimit;
      let holdMs = 0;
      if (signal?.remainingRequests === 0 && signal.resetRequestsMs !== undefined) holdMs = signal.resetRequestsMs;
      if (signal?.remainingTokens !== undefined && signal.remainingTokens < estimatedTokens && signal.resetTokensMs !== undefined) {
        holdMs = Math.max(holdMs, signal.resetTokensMs);
      }
      if (!result.ok && (result.kind === 'rate_limited_short' || result.kind === 'rate_limited_long')) {
        holdMs = Math.max(holdMs, result.retryAfterMs ?? UNSPECIFIED_429_HOLD_MS);
      }
      let correctionMs = 0;
      if (result.ok) {
        const used = result.usage.inputTokens + result.usage.outputTokens;
        if (used > 0) {
          if (limits.tokensPerMinute) correctionMs = ((used - estimatedTokens) * 60_000) / limits.tokensPerMinute;
          estimatedTokens = used;
        }
      }
      await db.execute(sql`
        update provider_state set
          next_call_at = greatest(coalesce(next_call_at, now()) + make_interval(secs => ${correctionMs / 1000}::double precision),
                                  now() + make_interval(secs => ${holdMs / 1000}::double precision)),
          remaining_requests = coalesce(${signal?.remainingRequests ?? null}::integer, remaining_requests),
          remaining_tokens = coalesce(${signal?.remainingTokens ?? null}::integer, remaining_tokens),
          updated_at = now()
        where provider = ${provider}`);
    },
  };
}

type Reservation = { kind: 'granted'; waitMs: number } | { kind: 'wait'; waitMs: number } | { kind: 'day_cap'; waitMs: number };

/**
 * One statement takes the next slot and moves the schedule on by `spacing`, unless the slot is further ahead
 * than `horizon` (backfill) or the day's cap is reached; then says how long to wait before asking again.
 */
async function reserve(db: Db, provider: string, spacingMs: number, horizonMs: number | null, perDay: number | null): Promise<Reservation> {
  const spacing = sql`make_interval(secs => ${spacingMs / 1000}::double precision)`;
  const slot = sql`greatest(coalesce(next_call_at, now()), now())`;
  const today = sql`(now() at time zone 'utc')::date`;
  const [granted] = await rows<{ wait_ms: number }>(
    db,
    sql`
      update provider_state set
        next_call_at = ${slot} + ${spacing},
        calls_today = case when calls_day = ${today} then calls_today + 1 else 1 end,
        calls_day = ${today}
      where provider = ${provider}
        and (${horizonMs}::double precision is null or ${slot} <= now() + make_interval(secs => ${(horizonMs ?? 0) / 1000}::double precision))
        and (${perDay}::integer is null or calls_day is distinct from ${today} or calls_today < ${perDay}::integer)
      returning extract(epoch from (next_call_at - ${spacing} - now())) * 1000 as wait_ms`,
  );
  if (granted) return { kind: 'granted', waitMs: Math.max(0, Number(granted.wait_ms)) };
  const [state] = await rows<{ capped: boolean; until_midnight_ms: number; wait_ms: number }>(
    db,
    sql`
      select (${perDay}::integer is not null and calls_day = ${today} and calls_today >= ${perDay}::integer) as capped,
        extract(epoch from ((${today} + 1)::timestamp at time zone 'utc' - now())) * 1000 as until_midnight_ms,
        extract(epoch from (${slot} - now())) * 1000 - ${horizonMs ?? 0}::double precision as wait_ms
      from provider_state where provider = ${provider}`,
  );
  if (state?.capped) return { kind: 'day_cap', waitMs: Math.max(0, Number(state.until_midnight_ms)) };
  return { kind: 'wait', waitMs: Math.max(0, Number(state?.wait_ms ?? 0)) };
}
