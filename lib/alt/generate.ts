import { passesGate, type GateReason } from './gate';
import { describeWithRetries, type RetryOptions } from './policy';
import type { ProviderBackoff } from './provider-state';
import type { AltFailure, AltResult, DescribeInput, VisionProvider } from './types';

/** When a quota runs out and the provider does not say for how long, try again after this. */
export const DEFAULT_QUOTA_BLOCK_MS = 60 * 60 * 1000;

export interface GenerateOptions extends RetryOptions {
  backoff: ProviderBackoff;
  log?: Pick<Console, 'warn'>;
}

export interface GenerateOutcome {
  /** ok: the cleaned text that passed the gate. Otherwise the failure, including gate_rejected and no_provider. */
  result: AltResult;
  /** Every model call made (none when blocked or unconfigured). */
  attempts: AltResult[];
  /** The model's text when the gate refused it: kept for review, never written as the alt text. */
  rejected?: { text: string; reason: GateReason };
}

/**
 * Alt text for one image: respects a provider-wide block, calls the provider under the retry policy, records
 * a new block after a long 429 or an exhausted quota, and runs the quality gate. Never throws.
 */
export async function generateAlt(provider: VisionProvider | null, input: DescribeInput, options: GenerateOptions): Promise<GenerateOutcome> {
  if (!provider) return { result: { ok: false, kind: 'no_provider', message: 'no vision provider configured' }, attempts: [] };

  const blockedUntil = await options.backoff.blockedUntil(provider.name);
  if (blockedUntil) {
    const retryAfterMs = Math.max(0, blockedUntil.getTime() - Date.now());
    const message = `${provider.name} is paused until ${blockedUntil.toISOString()} after a rate limit; no call made`;
    return { result: { ok: false, kind: 'rate_limited_long', message, retryAfterMs }, attempts: [] };
  }

  const { final, attempts } = await describeWithRetries(provider, input, options);
  if (!final.ok) {
    await blockIfLong(provider, final, options);
    return { result: final, attempts };
  }
  const verdict = passesGate(final.text, input.context);
  if (verdict.pass) return { result: { ...final, text: verdict.text }, attempts };
  return {
    result: { ok: false, kind: 'gate_rejected', message: `quality gate: ${verdict.reason}`, latencyMs: final.latencyMs },
    attempts,
    rejected: { text: verdict.text || final.text, reason: verdict.reason },
  };
}

async function blockIfLong(provider: VisionProvider, failure: AltFailure, options: GenerateOptions): Promise<void> {
  if (failure.kind !== 'rate_limited_long' && failure.kind !== 'quota_exhausted') return;
  const waitMs = failure.retryAfterMs ?? DEFAULT_QUOTA_BLOCK_MS;
  const until = new Date(Date.now() + waitMs);
  (options.log ?? console).warn(
    `[loupe] vision provider ${provider.name} ${failure.kind === 'quota_exhausted' ? 'quota exhausted' : 'rate limited'}; ` +
      `no calls until ${until.toISOString()} (${failure.message})`,
  );
  await options.backoff.block(provider.name, until, `${failure.kind}: ${failure.message}`);
}
