import { after } from 'next/server';
import { getDb } from '@/db/client';
import { getAsset, isUuid } from '@/lib/assets';
import { route, takeRateLimit, orThrow } from '@/lib/auth';
import { ApiError, describeForLog } from '@/lib/errors';
import { retryFailedSteps, runAssetJobs } from '@/lib/jobs';
import { assetParams } from '../../schema';

export const dynamic = 'force-dynamic';

const notFound = () => new ApiError('not_found', 'No such asset: it may have been deleted.');

/**
 * Queues every failed step of the asset again (thumbnails, alt text, search index), ahead of backfill work,
 * answers 202 with the steps and the asset, and runs them right after the response. 409 `nothing_failed` when
 * no step has failed. Counts against the caller's regenerations per minute: each retry may decode or call a model.
 */
export const POST = route({ role: 'editor', params: assetParams }, async ({ params, caller }) => {
  if (!isUuid(params.id)) throw notFound();
  const db = await getDb();
  orThrow(await takeRateLimit(db, caller, 'regenerations'));
  const result = await retryFailedSteps(db, params.id);
  if (!result.ok) {
    if (result.kind === 'not_found') throw notFound();
    throw new ApiError('nothing_failed', 'Nothing has failed for this asset, so there is nothing to retry.');
  }
  after(async () => {
    try {
      await runAssetJobs(db, params.id);
    } catch (error) {
      // The in-app sweeper runs what this left: the jobs are queued and due.
      console.error(`[loupe] retrying asset ${params.id} failed: ${describeForLog(error)}`);
    }
  });
  return Response.json({ retried: result.retried, asset: await getAsset(db, params.id) }, { status: 202 });
});
