import { passesGate, type GateReason } from './gate';
import { loadLanguageIdentifier } from './language';
import { CONFIGURATION_BLOCK_MS, invalidKeyMessage, modelUnavailableMessage } from './model-check';
import { describeWithRetries, type RetryOptions, type RetryOutcome } from './policy';
import type { ProviderBackoff, ProviderBlock } from './provider-state';
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
 * a new block after a long 429, an exhausted quota, a retired or unknown model or a refused key, and runs the
 * quality gate. Never throws.
 */
export async function generateAlt(provider: VisionProvider | null, input: DescribeInput, options: GenerateOptions): Promise<GenerateOutcome> {
  const called = await callUnderBlocks(provider, (ready) => describeWithRetries(ready, input, options), options);
  if (!called.final.ok) return { result: called.final, attempts: called.attempts };
  const { final, attempts } = called;
  if (input.locale) await loadLanguageIdentifier();
  const verdict = passesGate(final.text, input.context, { locale: input.locale });
  if (verdict.pass) return { result: { ...final, text: verdict.text }, attempts };
  return {
    result: { ok: false, kind: 'gate_rejected', message: `quality gate: ${verdict.reason}${verdict.message ? ` (${verdict.message})` : ''}`, latencyMs: final.latencyMs },
    attempts,
    rejected: { text: verdict.text || final.text, reason: verdict.reason },
  };
}

/**
 * One model call under the provider-wide blocks: none while blocked, and a new block after a long 429, an
 * exhausted quota, a retired or unknown model or a refused key. The final failure is as the asset should tell it.
 */
export async function callUnderBlocks(provider: VisionProvider | null, run: (provider: VisionProvider) => Promise<RetryOutcome>, options: GenerateOptions): Promise<RetryOutcome> {
  if (!provider) return { final: { ok: false, kind: 'no_provider', message: 'no vision provider configured' }, attempts: [] };
  const block = await options.backoff.currentBlock(provider.name);
  if (block) return { final: blockedFailure(provider, block), attempts: [] };
  const { final, attempts } = await run(provider);
  return { final: final.ok ? final : await blockIfNeeded(provider, final, options), attempts };
}

/** No call while blocked; a configuration block repeats its own message, so every asset says what to change. */
function blockedFailure(provider: VisionProvider, block: ProviderBlock): AltFailure {
  const retryAfterMs = Math.max(0, block.until.getTime() - Date.now());
  const configuration = /^(model_unavailable|invalid_key): ([\s\S]*)$/.exec(block.reason);
  if (configuration) {
    return { ok: false, kind: configuration[1] as 'model_unavailable' | 'invalid_key', message: `${configuration[2]} No call made.`, retryAfterMs };
  }
  const message = `${provider.name} is paused until ${block.until.toISOString()} after a rate limit; no call made`;
  return { ok: false, kind: 'rate_limited_long', message, retryAfterMs };
}

/** Blocks the provider where waiting (or a configuration change) is the only cure; returns the failure as the asset should tell it. */
async function blockIfNeeded(provider: VisionProvider, failure: AltFailure, options: GenerateOptions): Promise<AltFailure> {
  const log = options.log ?? console;
  if (failure.kind === 'rate_limited_long' || failure.kind === 'quota_exhausted') {
    const until = new Date(Date.now() + (failure.retryAfterMs ?? DEFAULT_QUOTA_BLOCK_MS));
    log.warn(
      `[loupe] vision provider ${provider.name} ${failure.kind === 'quota_exhausted' ? 'quota exhausted' : 'rate limited'}; ` +
        `no calls until ${until.toISOString()} (${failure.message})`,
    );
    await options.backoff.block(provider.name, until, `${failure.kind}: ${failure.message}`);
    return failure;
  }
  if (failure.kind !== 'model_unavailable' && failure.kind !== 'invalid_key') return failure;
  const message =
    failure.kind === 'invalid_key' ? invalidKeyMessage(provider, failure.message) : modelUnavailableMessage(provider, failure.message, await provider.listModels());
  log.warn(`[loupe] vision provider ${provider.name} blocked: ${message}`);
  await options.backoff.block(provider.name, new Date(Date.now() + CONFIGURATION_BLOCK_MS), `${failure.kind}: ${message}`);
  return { ...failure, message, retryAfterMs: CONFIGURATION_BLOCK_MS };
}
