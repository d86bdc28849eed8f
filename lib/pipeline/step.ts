import type { Asset } from '@/db/schema';

/**
 * What one pipeline step reports. A step does its work and writes its own results (derivatives, alt text,
 * vectors); the pipeline (run.ts) owns the asset's state, attempts, lease and error columns.
 */
export type StepOutcome =
  | { ok: true }
  /** `retryAt` set: try again then (attempts permitting); unset: the step failed for good (`failed_<step>`). */
  | { ok: false; code: string; message: string; retryAt?: Date };

/** A step runs on an asset whose claim it holds; it makes its final writes conditional on `claimToken` still being the asset's. */
export interface StepInput {
  asset: Asset;
  claimToken: string;
  signal: AbortSignal;
}

export type Step = (input: StepInput) => Promise<StepOutcome>;
