import type { AltFailure, AltFailureKind } from './types';

const BASE_DELAY_MS = 5 * 60 * 1000;
const MAX_DELAY_MS = 24 * 60 * 60 * 1000;
const MIN_RATE_LIMIT_DELAY_MS = 60 * 1000;
const BLOCKING_KINDS = new Set<AltFailureKind>(['rate_limited_short', 'rate_limited_long', 'quota_exhausted', 'model_unavailable', 'invalid_key']);

/**
 * When the backfill may try an asset's alt text again. Rate limits, quotas and configuration blocks: when
 * the block ends (at least a minute on). Anything else: exponential backoff on the asset's attempt count, capped at a
 * day. null: not until a vision provider is configured.
 */
export function nextAltAttemptAt(failure: AltFailure, attempts: number, now = Date.now()): Date | null {
  if (failure.kind === 'no_provider') return null;
  // A blocked provider (rate limit, quota, retired model, refused key) says when it may be asked again.
  const limited = BLOCKING_KINDS.has(failure.kind);
  const delay = limited
    ? Math.max(failure.retryAfterMs ?? 0, MIN_RATE_LIMIT_DELAY_MS)
    : Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** Math.max(0, attempts - 1));
  return new Date(now + delay);
}
