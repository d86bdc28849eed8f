export { runPipeline, runClaimed, type PipelineOutcome } from './run';
export { sweepPending, type SweepSummary } from './sweeper';
export { claimAsset, claimNextPending, LEASE_SECONDS, MAX_ATTEMPTS, type Claim } from './claims';
export type { Step, StepInput, StepOutcome } from './step';
