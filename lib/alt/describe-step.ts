import type { Asset, Job } from '@/db/schema';
import { JOB_PRIORITY } from '@/lib/jobs';
import type { Step } from '@/lib/jobs';
import { remainingBudget } from './budget';
import { configuredDescribeDeps, configuredVisionProvider } from './configured';
import { describeAsset } from './describe-asset';
import { PROMPT_VERSION } from './prompt';
import { PERSON_REGENERATION_INPUT } from './regenerate';

/**
 * The describe job's step. Alt text that could not be written (no provider, rate limit, timeout, gate
 * rejection…) is recorded on the asset and the job asks to run again when the failure says (parked until a
 * provider is configured when there is none); the step still counts as passed: a missing alt text must not
 * keep the asset out of search, so embedding goes ahead. A job below interactive priority is background work,
 * paced behind people's calls and held to the backfill's daily budgets.
 */
export const describeStep: Step = async ({ db, asset, job, lease, signal }) => {
  const background = job.priority > JOB_PRIORITY.interactive;
  const deps = await configuredDescribeDeps(db, background ? 'backfill' : 'interactive');
  // Background calls (a backfill, a bulk regenerate or reject) stop at the day's budget and wait for the next day.
  if (background && deps.provider && (await remainingBudget(db)).images < 1) return { ok: true, again: startOfNextUtcDay() };
  // A person's Regenerate replaces AI text; the backfill's --regenerate only unapproved text of an older prompt or model.
  const replaceAi = job.inputHash === PERSON_REGENERATION_INPUT ? true : deps.provider && isRegeneration(job, asset, deps.provider.model) ? 'proposed' : false;
  const outcome = await describeAsset(asset, deps, { signal, lease, replaceAi, priority: job.priority });
  if (outcome.kind === 'claim_lost') return { ok: false, kind: 'claim_lost' };
  if (outcome.kind === 'failed') return { ok: true, again: outcome.nextAttemptAt };
  return { ok: true };
};

function startOfNextUtcDay(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
}

/** Parked describe jobs are due again once a vision provider is configured. */
export function visionConfigured(): boolean {
  return configuredVisionProvider() !== null;
}

/**
 * The backfill's `--regenerate` enqueues a describe job whose input is "the current prompt version and model"
 * (regenerationInput): AI text written by another prompt version or model is then redone; text already
 * written by these is not (an unchanged input is not redone).
 */
export function regenerationInput(model: string): string {
  return `regenerate:${PROMPT_VERSION}:${model}`;
}

function isRegeneration(job: Job, asset: Asset, model: string): boolean {
  return job.inputHash === regenerationInput(model) && asset.altSource === 'ai' && `${asset.altPromptVersion}:${asset.altModel}` !== `${PROMPT_VERSION}:${model}`;
}
