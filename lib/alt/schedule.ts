import type { AltFailure } from './types';

const BASE_DELAY_MS = 5 * 60 * 1000;
const MAX_DELAY_MS = 24 * 60 * 60 * 1000;
const MIN_RATE_LIMIT_DELAY_MS = 60 * 1000;

/**
 * When the backfill may try an asset's alt text again. Rate limits and quotas: when the provider said it is
 * back (at least a minute on). Anything else: exponential backoff on the asset's attempt count, capped at a
 * day. null: not until a vision provider is configured.
 */
export function nextAltAttemptAt(failure: AltFailure, attempts: number, now = Date.now()): Date | null {
  if (failure.kind === 'no_provider') return null;
  const limited = failure.kind === 'rate_limited_short' || failure.kind === 'rate_limited_long' || failure.kind === 'quota_exhausted';
  const delay = limited
    ? Math.max(failure.retryAfterMs ?? 0, MIN_RATE_LIMIT_DELAY_MS)
    : Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempts - 1));
  return new Date(now + delay);
}
