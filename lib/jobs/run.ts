import { describeForLog } from '@/lib/errors';
import { eq } from 'drizzle-orm';
import type { Db } from '@/db/handle';
import { assets, type Asset, type Job } from '@/db/schema';
import { config } from '@/lib/config';
import { claimNextJob, renewLease, settleJob, type ClaimFilter, type JobClaim, type Settlement } from './queue';
import { stepFor } from './registry';
import type { StepOutcome } from './step';

/** However the heartbeat goes, no step holds a job longer than this (a hung call is cut off and retried), unless its kind declares its own bound. */
const MAX_STEP_MS = 5 * 60_000;

export type JobOutcome =
  /** Finished (job.status `done`, or `waiting` when the step asked to run again later). */
  | { kind: 'done'; job: Job }
  | { kind: 'retry'; job: Job; code: string }
  | { kind: 'failed'; job: Job; code: string }
  /** Our lease ran out and another worker took the job, or the asset was deleted: it is theirs now. */
  | { kind: 'lost'; job: Job };

/**
 * Runs one claimed job: the registry's step under a heartbeat that keeps the lease alive (and aborts the step
 * when the lease is lost), then settles it and enqueues what comes next, all conditional on the lease.
 */
export async function runClaimedJob(db: Db, claim: JobClaim): Promise<JobOutcome> {
  const definition = stepFor(claim.job.kind);
  const lost = new AbortController();
  const heartbeat = setInterval(() => {
    renewLease(db, claim.lease).then(
      (held) => {
        if (!held) lost.abort();
      },
      // A failed renewal is retried at the next beat; the lease has two more beats before it runs out.
      (error: unknown) => console.warn(`[loupe] renewing the lease on job ${claim.job.id} failed:`, error),
    );
  }, (config().jobs.leaseSeconds * 1000) / 3);
  let outcome: StepOutcome;
  try {
    const signal = AbortSignal.any([lost.signal, AbortSignal.timeout(definition.maxRunMs ?? MAX_STEP_MS)]);
    if (definition.subject !== 'asset') outcome = await definition.run({ db, job: claim.job, lease: claim.lease, signal });
    else if (claim.asset) outcome = await definition.run({ db, asset: claim.asset, job: claim.job, lease: claim.lease, signal });
    else throw new Error(`job ${claim.job.id} (${claim.job.kind}) has no asset`);
  } catch (error) {
    console.error(`[loupe] ${claim.job.kind} step failed unexpectedly on ${claim.asset ? `asset ${claim.asset.id}` : `job ${claim.job.id}`}: ${describeForLog(error)}`);
    // A step that throws is a bug or an outage, not the file's fault: try again later, backing off as the kind declares.
    const delaySeconds = definition.retry.backoffSeconds(claim.job.attempts);
    outcome = {
      ok: false,
      kind: 'failed',
      code: 'internal',
      message: 'Processing hit an unexpected error; it will be retried automatically.',
      retryAt: new Date(Date.now() + delaySeconds * 1000),
    };
  } finally {
    clearInterval(heartbeat);
  }
  if (!outcome.ok && outcome.kind === 'claim_lost') return { kind: 'lost', job: claim.job };
  const settlement = settlementOf(outcome, claim.job, definition.retry.maxAttempts);
  const asset = claim.asset;
  const settled = await settleJob(db, claim, settlement, async (tx) => (definition.subject === 'asset' && asset ? definition.next(asset.id, tx, claim.job.priority) : []));
  if (!settled) return { kind: 'lost', job: claim.job };
  if (settlement.kind === 'done') return { kind: 'done', job: settled };
  return { kind: settlement.kind, job: settled, code: settlement.code };
}

function settlementOf(outcome: Exclude<StepOutcome, { kind: 'claim_lost' }>, job: Job, maxAttempts: number): Settlement {
  if (outcome.ok) return { kind: 'done', again: outcome.again };
  if (outcome.retryAt && job.attempts + 1 < maxAttempts) return { kind: 'retry', retryAt: outcome.retryAt, code: outcome.code, message: outcome.message };
  return { kind: 'failed', code: outcome.code, message: outcome.message };
}

export type AssetRunOutcome =
  | { kind: 'finished'; asset: Asset }
  | { kind: 'failed'; asset: Asset; step: string; code: string }
  /** Nothing due, or another worker holds the asset's work. */
  | { kind: 'skipped' }
  | { kind: 'lost' };

/**
 * Runs every job of one asset that is due, one after another, until none is left: what `after()` does for a
 * fresh upload (its jobs carry interactive priority) and what tests call.
 */
export async function runAssetJobs(db: Db, assetId: string): Promise<AssetRunOutcome> {
  let ran = 0;
  let failure: { step: string; code: string } | null = null;
  for (let claim = await claimNextJob(db, { assetId }); claim; claim = await claimNextJob(db, { assetId })) {
    const outcome = await runClaimedJob(db, claim);
    ran += 1;
    if (outcome.kind === 'lost') return { kind: 'lost' };
    if ((outcome.kind === 'failed' || outcome.kind === 'retry') && !failure) failure = { step: outcome.job.kind, code: outcome.code };
  }
  if (ran === 0) return { kind: 'skipped' };
  const [asset] = await db.select().from(assets).where(eq(assets.id, assetId));
  if (!asset) return { kind: 'lost' };
  return failure ? { kind: 'failed', asset, ...failure } : { kind: 'finished', asset };
}

export interface RunDueOptions extends ClaimFilter {
  /** At most this many jobs in all. */
  limit?: number;
  /** Jobs run at once (each heavy step is bounded again by its own process-wide limiter). */
  concurrency: number;
  /** No new job is claimed after this time; jobs in flight finish. */
  deadline?: Date;
  /** Aborting stops claiming; jobs in flight finish. */
  signal?: AbortSignal;
  onJob?: (outcome: JobOutcome) => void;
}

export interface RunSummary {
  done: number;
  retry: number;
  failed: number;
  lost: number;
  /** Why it stopped claiming. */
  stopped: 'drained' | 'limit' | 'deadline' | 'aborted';
}

/** What the sweeper, the CLI, the cron route and tests call: claims and runs due jobs until none is left (or a limit). */
export async function runDueJobs(db: Db, options: RunDueOptions): Promise<RunSummary> {
  const summary: RunSummary = { done: 0, retry: 0, failed: 0, lost: 0, stopped: 'drained' };
  let started = 0;
  const mayClaim = (): boolean => {
    if (options.signal?.aborted) summary.stopped = 'aborted';
    else if (options.deadline && Date.now() >= options.deadline.getTime()) summary.stopped = 'deadline';
    else if (options.limit !== undefined && started >= options.limit) summary.stopped = 'limit';
    else return true;
    return false;
  };
  const worker = async () => {
    while (mayClaim()) {
      started += 1;
      const claim = await claimNextJob(db, options);
      if (!claim) {
        started -= 1;
        return;
      }
      const outcome = await runClaimedJob(db, claim);
      summary[outcome.kind] += 1;
      options.onJob?.(outcome);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return summary;
}
