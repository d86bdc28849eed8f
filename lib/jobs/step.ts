import type { Asset, Job, JobKind } from '@/db/schema';
import type { JobLease } from './lease';

/**
 * What one step reports. A step does its work and writes its own results (derivatives, alt text, vectors),
 * each write conditional on its lease (`leaseHeld`); the runner (run.ts) owns the job's status, attempts,
 * lease and errors, and the asset's derived state.
 */
export type StepOutcome =
  /** Done. `again`: finished this pass, but run once more then (null: parked until something changes). */
  | { ok: true; again?: Date | null }
  /** `retryAt` set: try again then (attempts permitting); unset: the step failed for good (`failed_<step>`). */
  | { ok: false; kind: 'failed'; code: string; message: string; retryAt?: Date }
  /** Our lease passed to another worker (or the asset was deleted): nothing of ours was written. */
  | { ok: false; kind: 'claim_lost' };

export interface StepInput {
  asset: Asset;
  job: Job;
  lease: JobLease;
  signal: AbortSignal;
}

export type Step = (input: StepInput) => Promise<StepOutcome>;

/** Work to enqueue after a step: same asset, the job's priority. */
export interface NextJob {
  kind: JobKind;
  key?: string;
  inputHash?: string;
}
