import { parseDurationMs } from './retry-after';

/**
 * What a provider says about its own limits on every response (Groq and OpenAI both send these):
 * `x-ratelimit-remaining-requests`, `-remaining-tokens`, and `-reset-requests`, `-reset-tokens` as Go-style
 * durations ("1m26.4s", "924ms") or plain seconds. The pacer follows them.
 */
export interface RateLimitSignal {
  remainingRequests?: number;
  remainingTokens?: number;
  resetRequestsMs?: number;
  resetTokensMs?: number;
}

export function rateLimitSignal(headers: Headers | undefined): RateLimitSignal | undefined {
  if (!headers) return undefined;
  const signal: RateLimitSignal = {
    remainingRequests: count(headers.get('x-ratelimit-remaining-requests')),
    remainingTokens: count(headers.get('x-ratelimit-remaining-tokens')),
    resetRequestsMs: duration(headers.get('x-ratelimit-reset-requests')),
    resetTokensMs: duration(headers.get('x-ratelimit-reset-tokens')),
  };
  const known = Object.entries(signal).filter(([, value]) => value !== undefined);
  return known.length ? (Object.fromEntries(known) as RateLimitSignal) : undefined;
}

function count(value: string | null): number | undefined {
  if (value === null || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value);
}

function duration(value: string | null): number | undefined {
  if (value === null) return undefined;
  const seconds = Number(value);
  if (value.trim() !== '' && Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  return parseDurationMs(value);
}
