export { enqueueJob, claimNextJob, renewLease, jobsOf, JOB_PRIORITY, type EnqueueRequest, type ClaimFilter, type JobClaim } from './queue';
export { runClaimedJob, runAssetJobs, runDueJobs, MAX_ATTEMPTS, type JobOutcome, type AssetRunOutcome, type RunDueOptions, type RunSummary } from './run';
export { startSweeper, stopSweeper, type SweeperOptions } from './sweeper';
export { assertRegistryComplete, embedJobs } from './registry';
export { leaseHeld, isLeaseHeld, type JobLease } from './lease';
export { joinAsInstance, leaveInstance, currentInstanceId } from './instance';
export type { Step, StepInput, StepOutcome } from './step';
export { backfillEmbeddings, type BackfillProgress } from './embed-backfill';
export { retryFailedSteps, type RetryFailure } from './retry';
