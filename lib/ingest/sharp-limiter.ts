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

interface PixelWaiter {
  pixels: number;
  start: () => void;
}

interface PixelBudget {
  pixelsInFlight: number;
  decodesInFlight: number;
  waiting: PixelWaiter[];
}

const globalForBudget = globalThis as unknown as { loupePixelBudget?: PixelBudget };

/**
 * A second bound, on the size of what is decoded at once: the decodes in flight declare at most
 * SHARP_PIXELS_IN_FLIGHT pixels together, and one that declares more runs alone. A decode's memory grows with
 * its pixels (libvips shrinks full-width lines; the worker decoders hold every pixel), so two 100 MP originals
 * completing together are decoded one after the other instead of doubling the peak, while ordinary photos still
 * share the SHARP_CONCURRENCY slots. First come, first served: a big decode is never starved by small ones.
 */
export async function withPixelBudget<T>(pixels: number, work: () => Promise<T>): Promise<T> {
  const budget = (globalForBudget.loupePixelBudget ??= { pixelsInFlight: 0, decodesInFlight: 0, waiting: [] });
  await new Promise<void>((start) => {
    budget.waiting.push({ pixels, start });
    admitWaiting(budget);
  });
  try {
    return await work();
  } finally {
    budget.pixelsInFlight -= pixels;
    budget.decodesInFlight -= 1;
    admitWaiting(budget);
  }
}

function admitWaiting(budget: PixelBudget): void {
  const limit = config().sharpPixelsInFlight;
  while (budget.waiting.length > 0) {
    const next = budget.waiting[0];
    if (budget.decodesInFlight > 0 && budget.pixelsInFlight + next.pixels > limit) return;
    budget.waiting.shift();
    budget.pixelsInFlight += next.pixels;
    budget.decodesInFlight += 1;
    next.start();
  }
}
