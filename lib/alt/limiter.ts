import pLimit, { type LimitFunction } from 'p-limit';

/**
 * One limiter per process for model calls (VISION_CONCURRENCY), shared by the pipeline, regeneration and
 * eval:alt, so fifty uploads do not open fifty requests to the provider at once.
 */
const globalForLimiter = globalThis as unknown as { loupeVisionLimiter?: { size: number; limit: LimitFunction } };

export function visionCallLimiter(concurrency: number): <T>(call: () => Promise<T>) => Promise<T> {
  if (globalForLimiter.loupeVisionLimiter?.size !== concurrency) {
    globalForLimiter.loupeVisionLimiter = { size: concurrency, limit: pLimit(concurrency) };
  }
  const { limit } = globalForLimiter.loupeVisionLimiter;
  return (call) => limit(call);
}
