import { claimNextPending } from './claims';
import { runClaimed, type PipelineOutcome } from './run';

export interface SweepSummary {
  finished: number;
  failed: number;
  lost: number;
}

/**
 * Finishes what `after()` did not (a restart, a crash between steps, a frozen serverless instance, retries that
 * are due): claims pending assets one at a time per worker until none is left. Retries scheduled for later are
 * left for a later sweep. `workers` only overlaps I/O; decodes are bounded by the process-wide sharp limiter.
 */
export async function sweepPending(options: { workers?: number; onAsset?: (outcome: PipelineOutcome) => void } = {}): Promise<SweepSummary> {
  const summary: SweepSummary = { finished: 0, failed: 0, lost: 0 };
  const worker = async () => {
    for (let claim = await claimNextPending(); claim; claim = await claimNextPending()) {
      const outcome = await runClaimed(claim);
      if (outcome.kind !== 'skipped') summary[outcome.kind] += 1;
      options.onAsset?.(outcome);
    }
  };
  await Promise.all(Array.from({ length: options.workers ?? 2 }, worker));
  return summary;
}
