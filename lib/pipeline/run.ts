import type { Asset, AssetState } from '@/db/schema';
import { describeStep } from '@/lib/alt/describe-step';
import { embedStep } from '@/lib/embed/embed-step';
import { deriveStep } from '@/lib/ingest';
import { describeForLog } from '@/lib/errors';
import { advance, claimAsset, LEASE_SECONDS, recordFailure, release, RUNNABLE_STATES, type Claim, type RunnableState } from './claims';
import type { Step, StepOutcome } from './step';

/** Which step moves an asset out of each state: `stored → derived → described → embedded`. */
const STEPS: Record<RunnableState, { name: string; run: Step; next: AssetState }> = {
  stored: { name: 'derive', run: deriveStep, next: 'derived' },
  derived: { name: 'describe', run: describeStep, next: 'described' },
  described: { name: 'embed', run: embedStep, next: 'embedded' },
};

/** A step that throws is a bug or an outage, not the file's fault: try again later, backing off. */
const RETRY_BASE_SECONDS = 30;
/** Steps are told to stop a little before the lease runs out, so nobody else starts on the asset meanwhile. */
const LEASE_MARGIN_SECONDS = 15;

export type PipelineOutcome =
  | { kind: 'finished'; asset: Asset }
  | { kind: 'failed'; asset: Asset; step: string; code: string }
  /** Nothing due, or another worker holds the asset. */
  | { kind: 'skipped' }
  /** Our lease ran out and another worker took the asset, or it was deleted: it is theirs now. */
  | { kind: 'lost' };

/**
 * The one pipeline entry: `after()` in the upload-complete handler, the sweeper, the backfill and the tests
 * all call it. Runs every step that is due on the asset, if it can claim it.
 */
export async function runPipeline(assetId: string): Promise<PipelineOutcome> {
  const claim = await claimAsset(assetId);
  return claim ? runClaimed(claim) : { kind: 'skipped' };
}

/** Runs the steps of an asset already claimed (by runPipeline or the sweeper's claimNextPending). */
export async function runClaimed(claim: Claim): Promise<PipelineOutcome> {
  let current = claim;
  while (isRunnable(current.asset.state)) {
    const step = STEPS[current.asset.state];
    const outcome = await runStep(step.run, current);
    if (!outcome.ok) {
      if (outcome.code === 'claim_lost') return { kind: 'lost' };
      const failed = await recordFailure(current, { step: step.name, code: outcome.code, message: outcome.message, retryAt: outcome.retryAt });
      return failed ? { kind: 'failed', asset: failed, step: step.name, code: outcome.code } : { kind: 'lost' };
    }
    const advanced = await advance(current, step.next);
    if (!advanced) return { kind: 'lost' };
    current = { asset: advanced, token: current.token };
  }
  await release(current);
  return { kind: 'finished', asset: { ...current.asset, claimToken: null, claimedUntil: null } };
}

async function runStep(step: Step, claim: Claim): Promise<StepOutcome> {
  const signal = AbortSignal.timeout((LEASE_SECONDS - LEASE_MARGIN_SECONDS) * 1000);
  try {
    return await step({ asset: claim.asset, claimToken: claim.token, signal });
  } catch (error) {
    console.error(`[loupe] pipeline step failed unexpectedly on asset ${claim.asset.id}: ${describeForLog(error)}`);
    const delaySeconds = RETRY_BASE_SECONDS * 2 ** claim.asset.attempts;
    return {
      ok: false,
      code: 'internal',
      message: 'Processing hit an unexpected error; it will be retried automatically.',
      retryAt: new Date(Date.now() + delaySeconds * 1000),
    };
  }
}

function isRunnable(state: AssetState): state is RunnableState {
  return (RUNNABLE_STATES as readonly AssetState[]).includes(state);
}
