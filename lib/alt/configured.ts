import type { Db } from '@/db/handle';
import { config } from '@/lib/config';
import { getStorage } from '@/lib/storage';
import type { DescribeAssetDeps } from './describe-asset';
import { visionCallLimiter } from './limiter';
import { databasePacer, type Urgency } from './pacing';
import { visionProviderFrom } from './providers';
import type { VisionProvider } from './types';

/** The provider as configured by the environment (VISION_PROVIDER, GROQ_API_KEY, VISION_BASE_URL…), or null. */
export function configuredVisionProvider(): VisionProvider | null {
  return visionProviderFrom(config().vision);
}

/**
 * Everything describeAsset needs, from the process-wide configuration, database, storage and limiter, with
 * calls paced to the provider's limits (a backfill's calls yield to interactive ones).
 */
export async function configuredDescribeDeps(db: Db, urgency: Urgency = 'interactive'): Promise<DescribeAssetDeps> {
  const vision = config().vision;
  const provider = configuredVisionProvider();
  return {
    db,
    storage: await getStorage(),
    provider,
    transport: vision.imageTransport,
    minImagePx: vision.minImagePx,
    limit: visionCallLimiter(vision.concurrency),
    pace: provider ? databasePacer(db, { provider: provider.name, limits: vision.limits, urgency }) : undefined,
    background: urgency === 'backfill',
  };
}
