import type { Step } from '@/lib/jobs/step';
import { embedAssetWithModel } from './embed-assets';

/** An unreachable model is usually temporary (offline, endpoint down): try again later, search keeps full text. */
const RETRY_UNAVAILABLE_MS = 10 * 60_000;

/** The embed job's step: the asset's "alt text | tags | filename" with the job's model (its key). */
export const embedStep: Step = async ({ db, asset, job, signal }) => {
  const outcome = await embedAssetWithModel(db, asset.id, job.key, signal);
  if (outcome.ok) return { ok: true };
  if (outcome.kind === 'unavailable') {
    return { ok: false, kind: 'failed', code: 'embedding_unavailable', message: outcome.message, retryAt: new Date(Date.now() + RETRY_UNAVAILABLE_MS) };
  }
  return { ok: false, kind: 'failed', code: 'embedding_failed', message: outcome.message };
};
