import { getDb } from '@/db/client';
import type { Step } from '@/lib/pipeline/step';
import { embedAsset } from './embed-assets';

/** An unreachable model is usually temporary (offline, endpoint down): try again later, search keeps full text. */
const RETRY_UNAVAILABLE_MS = 10 * 60_000;

/** Embeds the asset's "alt text | tags | filename" with every live model (the active one and any being built). */
export const embedStep: Step = async ({ asset, signal }) => {
  const outcome = await embedAsset(await getDb(), asset.id, signal);
  if (outcome.ok) return { ok: true };
  if (outcome.kind === 'unavailable') {
    return { ok: false, code: 'embedding_unavailable', message: outcome.message, retryAt: new Date(Date.now() + RETRY_UNAVAILABLE_MS) };
  }
  return { ok: false, code: 'embedding_failed', message: outcome.message };
};
