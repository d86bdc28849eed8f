import type { Step } from '@/lib/pipeline/step';
import { configuredDescribeDeps } from './configured';
import { describeAsset } from './describe-asset';

/**
 * The pipeline's describe step. Alt text that could not be written (no provider, rate limit, timeout, gate
 * rejection…) is recorded on the asset and retried later by the backfill, but the step still succeeds: a
 * missing alt text must not keep the asset out of search, so embedding goes ahead.
 */
export const describeStep: Step = async ({ asset, claimToken, signal }) => {
  const outcome = await describeAsset(asset, await configuredDescribeDeps(), { signal, claimToken, replaceAi: false });
  if (outcome.kind === 'claim_lost') return { ok: false, code: 'claim_lost', message: 'another worker holds this asset now' };
  return { ok: true };
};
