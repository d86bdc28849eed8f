import type { Db } from '@/db/handle';
import type { Asset, Job, JobKind } from '@/db/schema';
import type { JobLease } from './lease';
import type { ClaimLost, Result } from '@/lib/result';

/**
 * What one step reports. A step does its work and writes its own results (derivatives, alt text, vectors),
 * each write conditional on its lease (`leaseHeld`); the runner (run.ts) owns the job's status, attempts,
 * lease and errors, and the asset's derived state.
 */
export type StepOutcome = Result<
  /** Done. `again`: finished this pass, but run once more then (null: parked until something changes). */
  { again?: Date | null },
  /** `retryAt` set: try again then (attempts permitting); unset: the step failed for good (`failed_<step>`). */
  { kind: 'failed'; code: string; message: string; retryAt?: Date } | ClaimLost
>;

export interface StepInput {
  /** The runner's database: steps use it rather than opening their own (the one rule, db/client.ts). */
  db: Db;
  asset: Asset;
  job: Job;
  lease: JobLease;
  signal: AbortSignal;
}

export type Step = (input: StepInput) => Promise<StepOutcome>;

/** A step about a webhook delivery (jobs.delivery_id): there is no asset, and it may outlive the one it describes. */
export type DeliveryStep = (input: Omit<StepInput, 'asset'>) => Promise<StepOutcome>;

/** Work to enqueue after a step: same asset, the job's priority. */
export interface NextJob {
  kind: JobKind;
  key?: string;
  inputHash?: string;
}
