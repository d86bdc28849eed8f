import type { Db } from '@/db/handle';
import { config } from '@/lib/config';
import { activateIfComplete, staleVectorsPage, writableModels, type EmbedFailure } from '@/lib/embed';
import { enqueueJob, JOB_PRIORITY } from './queue';
import { embeddingKind } from './registry';
import { runDueJobs } from './run';
import type { Result } from '@/lib/result';

export interface BackfillProgress {
  embedded: number;
  /** Models that became active during this run. */
  activated: string[];
}

const FIRST_ID = '00000000-0000-0000-0000-000000000000';

/**
 * Brings every live model's vectors up to date through the jobs machinery: an embed job (backfill priority)
 * for each asset whose vector is missing or was made from an older input (an edit whose re-embed failed, a
 * model being built), then runs the embed jobs that are due. A building model that is complete becomes the
 * active one. What `npm run embed:backfill` runs; safe on many instances at once (the claimer shares the work).
 */
export async function backfillEmbeddings(db: Db, options: { pageSize?: number; signal?: AbortSignal } = {}): Promise<Result<{ progress: BackfillProgress }, EmbedFailure>> {
  // Registers the configured model (a new one starts `building`) and says early when it cannot be reached.
  const writable = await writableModels(db);
  if (!writable.ok) return writable;
  for (let after: string | null = FIRST_ID; after && !options.signal?.aborted; ) {
    const page = await staleVectorsPage(db, after, options.pageSize ?? 200);
    for (const vector of page.stale) {
      await enqueueJob(db, { assetId: vector.assetId, kind: embeddingKind(), key: vector.modelId, priority: JOB_PRIORITY.backfill, inputHash: vector.inputHash });
    }
    after = page.last;
  }
  const summary = await runDueJobs(db, { kinds: [embeddingKind()], concurrency: config().jobs.concurrency, signal: options.signal });
  const progress: BackfillProgress = { embedded: summary.done, activated: [] };
  for (const { model } of writable.models) {
    if (model.status === 'building' && (await activateIfComplete(db, model.id))) progress.activated.push(model.id);
  }
  return { ok: true, progress };
}
