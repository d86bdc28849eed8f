import type { Step } from '@/lib/jobs/step';
import { configuredDescribeDeps, configuredVisionProvider } from './configured';
import { describeAsset } from './describe-asset';

/**
 * The describe job's step. Alt text that could not be written (no provider, rate limit, timeout, gate
 * rejection…) is recorded on the asset and the job asks to run again when the failure says (parked until a
 * provider is configured when there is none); the step still counts as passed: a missing alt text must not
 * keep the asset out of search, so embedding goes ahead.
 */
export const describeStep: Step = async ({ asset, lease, signal }) => {
  const outcome = await describeAsset(asset, await configuredDescribeDeps(), { signal, lease, replaceAi: false });
  if (outcome.kind === 'claim_lost') return { ok: false, kind: 'claim_lost' };
  if (outcome.kind === 'failed') return { ok: true, again: outcome.nextAttemptAt };
  return { ok: true };
};

/** Parked describe jobs are due again once a vision provider is configured. */
export function visionConfigured(): boolean {
  return configuredVisionProvider() !== null;
}
