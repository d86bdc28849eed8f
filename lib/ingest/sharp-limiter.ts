import pLimit from 'p-limit';
import sharp from 'sharp';
import { config } from '@/lib/config';

/**
 * One process-wide bound on decodes, so fifty completed uploads do not start fifty 24 MP decodes at once.
 * sharp's own thread pool is left at its default (one libvips thread per image on glibc Linux, where more
 * mostly fragments memory), so SHARP_CONCURRENCY images in flight is what uses the cores. The operation cache
 * only helps when the same file is processed twice, which Loupe never does, so it is off (as in Immich).
 */
sharp.cache(false);

const globalForLimiter = globalThis as unknown as { loupeSharpLimit?: ReturnType<typeof pLimit> };

export function withSharpSlot<T>(work: () => Promise<T>): Promise<T> {
  globalForLimiter.loupeSharpLimit ??= pLimit(config().sharpConcurrency);
  return globalForLimiter.loupeSharpLimit(work);
}
