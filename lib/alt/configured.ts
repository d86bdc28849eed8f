import { getDb } from '@/db/client';
import { config } from '@/lib/config';
import { getStorage } from '@/lib/storage';
import type { DescribeAssetDeps } from './describe-asset';
import { visionCallLimiter } from './limiter';
import { visionProviderFrom } from './providers';
import type { VisionProvider } from './types';

/** The provider as configured by the environment (VISION_PROVIDER, GROQ_API_KEY, VISION_BASE_URL…), or null. */
export function configuredVisionProvider(): VisionProvider | null {
  return visionProviderFrom(config().vision);
}

/** Everything describeAsset needs, from the process-wide configuration, database, storage and limiter. */
export async function configuredDescribeDeps(): Promise<DescribeAssetDeps> {
  const vision = config().vision;
  return {
    db: await getDb(),
    storage: await getStorage(),
    provider: configuredVisionProvider(),
    transport: vision.imageTransport,
    minImagePx: vision.minImagePx,
    limit: visionCallLimiter(vision.concurrency),
  };
}
