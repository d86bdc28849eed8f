import { and, eq, gt, inArray, notExists, sql, type SQL } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { altBatchLines, assetEmbeddings, assets, embeddingModels, jobs } from '@/db/schema';
import { regenerationInput } from '@/lib/alt';
import { altRetryingSql } from '@/lib/assets';
import { configuredModel, embeddingInput, inputHash } from '@/lib/embed';
import { filterSql } from '@/lib/filters';
import { enqueueJob, JOB_PRIORITY } from '../queue';
import type { BackfillSelection } from './options';

/**
 * Which assets a backfill touches, and why. Alt text: missing, or retrying and due again; with --regenerate,
 * AI text still only proposed, from an older prompt version or another model. Never a person's text, never
 * text a person approved, never decorative. Vectors: missing for a live (active or building) embedding model.
 * Assets whose work is already queued or running are left to it (a run stopped halfway continues from there).
 */

export const ALT_REASONS = ['missing', 'failed_due', 'regenerate'] as const;
export type AltReason = (typeof ALT_REASONS)[number];

export interface ReasonCounts {
  missing: number;
  failed_due: number;
  regenerate: number;
  /** Assets missing a vector for a live embedding model. */
  embedding: number;
}


const notQueued = (kind: 'describe' | 'embed') =>
  notExists(
    sql`(select 1 from ${jobs} where ${jobs.assetId} = ${assets.id} and ${jobs.kind} = ${kind} and (${jobs.status} = 'running' or (${jobs.status} = 'pending' and ${jobs.nextAttemptAt} <= now())))`,
  );

/**
 * The library's photos (the filter language: visible, the tag whatever its case, uploaded since) past derive,
 * so each has the derivative the model looks at.
 */
function filters(selection: BackfillSelection): SQL[] {
  return [filterSql({ tag: selection.tag, from: selection.since?.toISOString() }, 'assets'), sql`${assets.state} not in ('stored', 'failed_derive')`];
}

function reasonSql(selection: BackfillSelection): SQL {
  // Parked: the describe job waits for a vision provider (none was configured at upload). Its error is recorded,
  // but the text is simply missing: a backfill run once a provider is set must count and take it.
  const parked = sql`exists (select 1 from ${jobs} where ${jobs.assetId} = ${assets.id} and ${jobs.kind} = 'describe' and ${jobs.status} = 'waiting' and ${jobs.nextAttemptAt} is null)`;
  const missing = sql`${assets.altSource} is null and (${assets.altLastError} is null or ${parked})`;
  // Retrying (lib/assets/condition.ts) and due: the backfill may take it rather than wait for the sweeper.
  const failedDue = sql`${assets.altSource} is null and ${altRetryingSql()} and ${assets.altNextAttemptAt} <= now()`;
  const stale: SQL[] = [];
  if (selection.promptVersionBelow !== undefined) {
    stale.push(sql`coalesce(substring(${assets.altPromptVersion} from '(\\d+)$')::int, 0) < ${selection.promptVersionBelow}`);
  }
  if (selection.model !== undefined) stale.push(sql`${assets.altModel} is distinct from ${selection.model}`);
  const regenerate = selection.regenerate
    ? sql`when ${assets.altSource} = 'ai' and ${assets.altStatus} = 'proposed' and (${sql.join(stale, sql` or `)}) then 'regenerate'`
    : sql``;
  return sql`case when ${missing} then 'missing' when ${failedDue} then 'failed_due' ${regenerate} end`;
}

/** Never a person's text, never approved or decorative text. */
const writable = sql`(${assets.altSource} is null or ${assets.altSource} = 'ai') and ${assets.altStatus} not in ('approved', 'decorative') and not ${assets.decorative}`;

/** Its answer is awaited from a Batch API batch (lib/alt/batch.ts): the batch's job writes it. */
const notInOpenBatch = notExists(sql`(select 1 from ${altBatchLines} where ${altBatchLines.assetId} = ${assets.id} and ${altBatchLines.outcome} is null)`);

function altCandidates(db: Db, selection: BackfillSelection) {
  const reason = reasonSql(selection);
  return db
    .select({ id: assets.id, reason: sql<AltReason>`${reason}`.as('reason') })
    .from(assets)
    .where(and(...filters(selection), writable, sql`${reason} is not null`, notQueued('describe'), notInOpenBatch))
    .orderBy(assets.createdAt, assets.id);
}

function embeddingCandidates(db: Db, selection: BackfillSelection) {
  // The configured model counts even before it has registered (it does so on its first vector).
  const missingVector = sql`(exists (
    select 1 from ${embeddingModels} m where m.status in ('active', 'building')
      and not exists (select 1 from ${assetEmbeddings} e where e.asset_id = ${assets.id} and e.model = m.id))
    or not exists (select 1 from ${assetEmbeddings} e where e.asset_id = ${assets.id} and e.model = ${configuredModel().id}))`;
  return db
    .select({ id: assets.id })
    .from(assets)
    .where(and(...filters(selection), missingVector, notQueued('embed')))
    .orderBy(assets.createdAt, assets.id);
}

/** How many assets a run would touch, by reason (the dry run's first lines). */
export async function countByReason(db: Db, selection: BackfillSelection): Promise<ReasonCounts> {
  const alt = altCandidates(db, selection).as('alt');
  const grouped = await db.select({ reason: alt.reason, count: sql<number>`count(*)::int` }).from(alt).groupBy(alt.reason);
  const counts: ReasonCounts = { missing: 0, failed_due: 0, regenerate: 0, embedding: 0 };
  for (const row of grouped) counts[row.reason] = Number(row.count);
  const limit = selection.limit;
  if (limit !== undefined) {
    let left = limit;
    for (const reason of ALT_REASONS) {
      counts[reason] = Math.min(counts[reason], left);
      left -= counts[reason];
    }
  }
  const embed = embeddingCandidates(db, selection).as('embed');
  const [vectors] = await db.select({ count: sql<number>`count(*)::int` }).from(embed);
  counts.embedding = Math.min(Number(vectors.count), limit ?? Number.POSITIVE_INFINITY);
  return counts;
}

/**
 * Enqueues the selected work at backfill priority, a page at a time, and returns what it enqueued by reason.
 * `maxImages` caps the alt-text jobs (the daily budget); vectors cost no model call and are not capped by it.
 */
export async function enqueueBackfill(
  db: Db,
  selection: BackfillSelection,
  options: { maxImages: number; pageSize: number; model: string | null },
): Promise<ReasonCounts> {
  const counts: ReasonCounts = { missing: 0, failed_due: 0, regenerate: 0, embedding: 0 };
  const altCap = Math.min(options.maxImages, selection.limit ?? Number.POSITIVE_INFINITY);
  let enqueued = 0;
  while (enqueued < altCap) {
    // Enqueued assets leave the candidates (their job is now pending), so each page starts from the top again.
    const page = await altCandidates(db, selection).limit(Math.min(options.pageSize, altCap - enqueued));
    if (page.length === 0) break;
    for (const { id, reason } of page) {
      const input = reason === 'regenerate' && options.model ? { inputHash: regenerationInput(options.model) } : {};
      await enqueueJob(db, { assetId: id, kind: 'describe', priority: JOB_PRIORITY.backfill, force: true, ...input });
      counts[reason] += 1;
    }
    enqueued += page.length;
  }
  counts.embedding = await enqueueMissingVectors(db, selection, options.pageSize);
  return counts;
}

/**
 * The selected alt-text work as asset ids by reason, enqueuing nothing (a batch run sends them to the Batch API):
 * at most `maxImages`, in the order a run would take them.
 */
export async function selectAltWork(db: Db, selection: BackfillSelection, options: { maxImages: number }): Promise<{ ids: string[]; counts: ReasonCounts }> {
  const counts: ReasonCounts = { missing: 0, failed_due: 0, regenerate: 0, embedding: 0 };
  const cap = Math.min(options.maxImages, selection.limit ?? Number.POSITIVE_INFINITY);
  if (cap <= 0) return { ids: [], counts };
  const query = altCandidates(db, selection);
  const found = await (Number.isFinite(cap) ? query.limit(cap) : query);
  for (const { reason } of found) counts[reason] += 1;
  return { ids: found.map((row) => row.id), counts };
}

/** Queues vectors missing for a live embedding model (no model call to the vision provider). */
export async function enqueueMissingVectors(db: Db, selection: BackfillSelection, pageSize: number): Promise<number> {
  const models = await db.select({ id: embeddingModels.id }).from(embeddingModels).where(inArray(embeddingModels.status, ['active', 'building']));
  let count = 0;
  const cap = selection.limit ?? Number.POSITIVE_INFINITY;
  let after: string | null = null;
  while (count < cap) {
    const page: { id: string; altText: string | null; tags: string[]; filename: string }[] = await db
      .select({ id: assets.id, altText: assets.altText, tags: assets.tags, filename: assets.filename })
      .from(embeddingCandidates(db, selection).as('c'))
      .innerJoin(assets, sql`${assets.id} = c.id`)
      .where(after ? gt(assets.id, after) : undefined)
      .orderBy(assets.id)
      .limit(Math.min(pageSize, cap - count));
    if (page.length === 0) break;
    for (const asset of page) {
      const hash = inputHash(embeddingInput(asset));
      for (const model of models) {
        const [vector] = await db
          .select({ model: assetEmbeddings.model })
          .from(assetEmbeddings)
          .where(and(eq(assetEmbeddings.assetId, asset.id), eq(assetEmbeddings.model, model.id)));
        if (!vector) await enqueueJob(db, { assetId: asset.id, kind: 'embed', key: model.id, priority: JOB_PRIORITY.backfill, inputHash: hash, force: true });
      }
    }
    count += page.length;
    after = page[page.length - 1].id;
  }
  return count;
}
