import type { Step } from '@/lib/jobs';
import { embedAssetWithModel } from './embed-assets';

/**
 * The embed job's step: the asset's "alt text | tags | filename" with the job's model (its key). A model that
 * cannot be loaded is the whole instance's problem, not this photo's: the job parks (the photo stays Ready and
 * keyword search finds it), the admin page and the search page say so once (availability.ts), and parked jobs
 * run again as soon as the model loads (the registry's resumeParked, checked by the sweeper).
 */
export const embedStep: Step = async ({ db, asset, job, signal }) => {
  const outcome = await embedAssetWithModel(db, asset.id, job.key, signal);
  if (outcome.ok) return { ok: true };
  if (outcome.kind === 'unavailable') return { ok: true, again: null };
  return { ok: false, kind: 'failed', code: 'embedding_failed', message: outcome.message };
};
