import { and, eq, inArray, isNotNull, isNull, or } from 'drizzle-orm';
import { visibleSql } from '@/lib/filters';
import type { Db } from '@/db/handle';
import { assets, jobs, type JobKind } from '@/db/schema';
import { isAltRetrying } from '@/lib/assets';
import type { Result } from '@/lib/result';
import { enqueueJob, JOB_PRIORITY, type EnqueueRequest } from './queue';
import { altTextKind, kindsCountingTowardAssetState } from './registry';

export type RetryFailure = { kind: 'not_found' } | { kind: 'nothing_failed' };

/**
 * A person's Retry (or "Try now"): every step that failed or is retrying (lib/assets/condition.ts) is queued
 * again, due now, ahead of backfill work: a job that failed for good (derive, frames, describe, embed), a job
 * waiting for its next automatic try after an error, or alt text whose generation is retrying (the describe
 * step records that on the asset and passes, so embedding goes ahead). A parked job (no vision provider, an
 * embedding model that cannot load) is not a failure: retrying it cannot help until the setting is fixed.
 */
export async function retryFailedSteps(db: Db, assetId: string): Promise<Result<{ retried: JobKind[] }, RetryFailure>> {
  return db.transaction(async (tx) => {
    const [asset] = await tx.select().from(assets).where(and(eq(assets.id, assetId), visibleSql('assets'))).for('update');
    if (!asset) return { ok: false, kind: 'not_found' };

    const stuck = await tx
      .select({ kind: jobs.kind, key: jobs.key })
      .from(jobs)
      .where(
        and(
          eq(jobs.assetId, assetId),
          // Only the photo's own steps: its purge is not a failure a person retries.
          inArray(jobs.kind, kindsCountingTowardAssetState()),
          or(eq(jobs.status, 'failed'), and(inArray(jobs.status, ['pending', 'waiting']), isNotNull(jobs.lastErrorCode))),
        ),
      );
    const requests: EnqueueRequest[] = stuck.map((job) => ({ assetId, kind: job.kind, key: job.key, priority: JOB_PRIORITY.interactive }));
    const altKind = altTextKind();
    const altJobExists = (await tx.select({ id: jobs.id }).from(jobs).where(and(eq(jobs.assetId, assetId), eq(jobs.kind, altKind)))).length > 0;
    if (isAltRetrying(asset) && altJobExists && !requests.some((request) => request.kind === altKind)) {
      requests.push({ assetId, kind: altKind, priority: JOB_PRIORITY.interactive });
    }
    if (requests.length === 0) return { ok: false, kind: 'nothing_failed' };
    for (const request of requests) await enqueueJob(tx, request);
    return { ok: true, retried: [...new Set(requests.map((request) => request.kind))] };
  });
}
