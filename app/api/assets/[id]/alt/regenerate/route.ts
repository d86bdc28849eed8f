import { getDb } from '@/db/client';
import { regenerateAlt } from '@/lib/alt';
import { failureMessage, gateMessage, getAsset, isUuid } from '@/lib/assets';
import { route, takeRateLimit, orThrow } from '@/lib/auth';
import { ApiError } from '@/lib/errors';
import { assetParams } from '../../../schema';

export const dynamic = 'force-dynamic';

const NO_PROVIDER =
  'No vision provider is configured: set GROQ_API_KEY (or VISION_BASE_URL and VISION_MODEL for an OpenAI-compatible endpoint) and restart Loupe.';

/**
 * Asks the model for a new alt text. Replaces AI text only: a person's text is never regenerated (409). A
 * model answer the quality gate refuses is 200 with `written: false` (it is kept in the history for review).
 */
export const POST = route({ role: 'editor', params: assetParams }, async ({ params, caller }) => {
  if (!isUuid(params.id)) throw new ApiError('not_found', 'No such asset: it may have been deleted.');
  const db = await getDb();
  orThrow(await takeRateLimit(db, caller, 'regenerations'));
  const result = await regenerateAlt(db, params.id);
  if (result.ok) return Response.json({ written: true, asset: await getAsset(db, params.id) });
  switch (result.kind) {
    case 'not_found':
      throw new ApiError('not_found', 'No such asset: it may have been deleted.');
    case 'human_text':
      throw new ApiError('conflict', 'A person wrote this alt text, so the model will not replace it. Edit it, or clear it first to let the model write one.');
    case 'decorative':
      throw new ApiError('conflict', 'This image is decorative (alt=""), so it needs no description. Un-mark it as decorative first.');
    case 'failed': {
      const { kind, message, retryAfterMs } = result.failure;
      // Messages for people (lib/assets/messages.ts); the kind stays machine-readable in `details`.
      if (kind === 'gate_rejected') return Response.json({ written: false, reason: gateMessage(message), asset: await getAsset(db, params.id) });
      if (kind === 'no_provider') throw new ApiError('unavailable', NO_PROVIDER);
      if (kind === 'rate_limited_short' || kind === 'rate_limited_long' || kind === 'quota_exhausted') {
        const seconds = Math.max(1, Math.ceil((retryAfterMs ?? 60_000) / 1000));
        throw new ApiError('rate_limited', `The vision provider is busy or its limit is reached; try again in ${seconds} s.`, { kind }, { 'retry-after': String(seconds) });
      }
      // A retired model or refused key is fixed by a setting, not by waiting: the message says which.
      if (kind === 'model_unavailable' || kind === 'invalid_key') throw new ApiError('unavailable', message, { kind });
      throw new ApiError('unavailable', `${failureMessage(kind)} Try again later.`, { kind });
    }
  }
});
