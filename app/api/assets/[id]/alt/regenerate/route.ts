import { after } from 'next/server';
import { getDb } from '@/db/client';
import { requestRegeneration } from '@/lib/alt';
import { getAsset, isUuid } from '@/lib/assets';
import { route, takeRateLimit, orThrow } from '@/lib/auth';
import { ApiError, describeForLog } from '@/lib/errors';
import { runAssetJobs } from '@/lib/jobs';
import { assetParams } from '../../../schema';

export const dynamic = 'force-dynamic';

const NO_PROVIDER =
  'No vision provider is configured: set GROQ_API_KEY (or VISION_BASE_URL and VISION_MODEL for an OpenAI-compatible endpoint) and restart Loupe.';

/**
 * Asks the model for a new alt text: queues a describe job ahead of background work and answers 202 with the
 * job at once; the job runs right after the response (or on the sweeper's next pass), and the asset shows the
 * new text, or why there is none, in its alt text and history. Replaces AI text only: a person's text is never
 * regenerated (409). Counts against the caller's regenerations per minute.
 */
export const POST = route({ role: 'editor', params: assetParams }, async ({ params, caller }) => {
  if (!isUuid(params.id)) throw new ApiError('not_found', 'No such asset: it may have been deleted.');
  const db = await getDb();
  orThrow(await takeRateLimit(db, caller, 'regenerations'));
  const result = await requestRegeneration(db, params.id);
  if (!result.ok) {
    switch (result.kind) {
      case 'not_found':
        throw new ApiError('not_found', 'No such asset: it may have been deleted.');
      case 'human_text':
        throw new ApiError('conflict', 'A person wrote this alt text, so the model will not replace it. Edit it, or clear it first to let the model write one.');
      case 'decorative':
        throw new ApiError('conflict', 'This image is decorative (alt=""), so it needs no description. Un-mark it as decorative first.');
      case 'no_provider':
        throw new ApiError('unavailable', NO_PROVIDER);
    }
  }
  after(async () => {
    try {
      await runAssetJobs(db, params.id);
    } catch (error) {
      // The in-app sweeper runs what this left: the job is queued and due.
      console.error(`[loupe] regenerating alt text for asset ${params.id} failed: ${describeForLog(error)}`);
    }
  });
  return Response.json({ job: result.job, asset: await getAsset(db, params.id) }, { status: 202 });
});
