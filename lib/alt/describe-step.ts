import { getDb } from '@/db/client';
import { config } from '@/lib/config';
import type { Step } from '@/lib/pipeline/step';
import { getStorage } from '@/lib/storage';
import { describeAsset } from './describe-asset';
import { visionCallLimiter } from './limiter';
import { visionProviderFrom } from './providers';

/**
 * The pipeline's describe step. Alt text that could not be written (no provider, rate limit, timeout, gate
 * rejection…) is recorded on the asset and retried later by the backfill, but the step still succeeds: a
 * missing alt text must not keep the asset out of search, so embedding goes ahead.
 */
export const describeStep: Step = async ({ asset, claimToken, signal }) => {
  const vision = config().vision;
  const outcome = await describeAsset(
    asset,
    {
      db: await getDb(),
      storage: await getStorage(),
      provider: visionProviderFrom(vision),
      transport: vision.imageTransport,
      minImagePx: vision.minImagePx,
      limit: visionCallLimiter(vision.concurrency),
    },
    { signal, claimToken, replaceAi: false },
  );
  if (outcome.kind === 'claim_lost') return { ok: false, code: 'claim_lost', message: 'another worker holds this asset now' };
  return { ok: true };
};
