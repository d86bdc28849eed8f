import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '@/db/handle';
import { assets, jobs, type Job } from '@/db/schema';
import { enqueueJob, JOB_PRIORITY } from '@/lib/jobs';
import type { Result } from '@/lib/result';
import { isPersonText } from './authorship';
import { configuredVisionProvider } from './configured';

/**
 * A person's "Regenerate": a describe job, queued ahead of background work, that may replace AI text (never a
 * person's). The model is called by the job, never inside the request: the request answers at once with the
 * job, and the asset shows the new text (or why there is none) when the job has run.
 */

/** The describe job's input when a person asked: the step then replaces AI text (describe-step.ts). */
export const PERSON_REGENERATION_INPUT = 'regenerate:asked-by-a-person';

export interface RegenerationJob {
  id: string;
  kind: Job['kind'];
  status: Job['status'];
  priority: number;
}

export type RegenerateResult = Result<
  { job: RegenerationJob },
  | { kind: 'not_found' }
  /** A person wrote the text: the model never replaces it. */
  | { kind: 'human_text' }
  | { kind: 'decorative' }
  | { kind: 'no_provider' }
>;

export async function requestRegeneration(db: Db, assetId: string): Promise<RegenerateResult> {
  return db.transaction(async (tx) => {
    const [asset] = await tx.select().from(assets).where(eq(assets.id, assetId)).for('update');
    // A photo in the trash is out of the library: no model call is spent on it until it is restored.
    if (!asset || asset.deletedAt || asset.state === 'awaiting_upload' || asset.state === 'failed_upload') return { ok: false, kind: 'not_found' };
    if (isPersonText(asset.altSource)) return { ok: false, kind: 'human_text' };
    if (asset.decorative || asset.altStatus === 'decorative') return { ok: false, kind: 'decorative' };
    if (!configuredVisionProvider()) return { ok: false, kind: 'no_provider' };
    await enqueueJob(tx, { assetId, kind: 'describe', priority: JOB_PRIORITY.interactive, inputHash: PERSON_REGENERATION_INPUT, force: true });
    const [job] = await tx
      .select({ id: jobs.id, kind: jobs.kind, status: jobs.status, priority: jobs.priority })
      .from(jobs)
      .where(and(eq(jobs.assetId, assetId), eq(jobs.kind, 'describe')));
    return { ok: true, job };
  });
}

/** Whether the asset's alt text is being written: its describe job is queued or running (the page polls while it is). */
export async function isDescribing(db: Pick<Db, 'select'>, assetId: string): Promise<boolean> {
  const found = await db
    .select({ id: jobs.id })
    .from(jobs)
    .where(and(eq(jobs.assetId, assetId), eq(jobs.kind, 'describe'), inArray(jobs.status, ['pending', 'running']), sql`${jobs.nextAttemptAt} <= now()`));
  return found.length > 0;
}
