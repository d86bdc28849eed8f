import { and, eq, gte, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { altHistory, backfillRuns, type BackfillRun, type BackfillTrigger } from '@/db/schema';
import { configuredVisionProvider, costUsd, queueDescribeBatches, remainingBudget } from '@/lib/alt';
import { config } from '@/lib/config';
import { runDueJobs, type JobOutcome } from '../run';
import type { BackfillSelection } from './options';
import { notifyRunEnded } from './notify';
import { providerStatuses } from './report';
import { enqueueBackfill, enqueueMissingVectors, selectAltWork, type ReasonCounts } from './selection';

/**
 * One backfill run: takes the one-run-at-a-time slot (a second caller is told at once), enqueues the selected
 * work at backfill priority within the day's budget, and runs due jobs through the one claimer until nothing
 * is left, the deadline, a stop signal, the budget, or a blocked provider. Work left over stays queued: the
 * next run, or the server's sweeper, continues it. Every run is recorded in backfill_runs.
 */

export type StopReason = 'done' | 'deadline' | 'interrupted' | 'budget_images' | 'budget_usd' | 'provider_blocked';

export interface Progress {
  total: number;
  done: number;
  written: number;
  failed: number;
  costUsd: number;
  startedAt: number;
}

export type BackfillMode = 'online' | 'batch';

export interface BackfillOptions {
  trigger: BackfillTrigger;
  selection: BackfillSelection;
  /** online: paced calls now; batch: Groq's Batch API (answers applied by the batch jobs as they complete). BACKFILL_MODE by default. */
  mode?: BackfillMode;
  /** No new job is claimed after this; calls in flight finish. */
  deadline?: Date;
  signal?: AbortSignal;
  concurrency?: number;
  onProgress?: (progress: Progress) => void;
}

/** What a batch run sent: lines in batches (answered later), or why it went online instead. */
export type BatchSubmission = { kind: 'sent'; batches: number; lines: number; online: number } | { kind: 'online'; message: string };

export type BackfillResult =
  | { kind: 'ran'; run: BackfillRun; selected: ReasonCounts; batch: BatchSubmission | null }
  /** Another run holds the slot: nothing was done. */
  | { kind: 'busy'; running: { id: string; startedAt: Date; trigger: string } };

const RUN_LEASE_SECONDS = 60;

export async function runBackfill(db: Db, options: BackfillOptions): Promise<BackfillResult> {
  const started = await startRun(db, options);
  if (started.kind === 'busy') return started;
  const run = started.run;
  const heartbeat = setInterval(() => {
    void db.update(backfillRuns).set({ claimedUntil: sql`now() + make_interval(secs => ${RUN_LEASE_SECONDS})` }).where(eq(backfillRuns.id, run.id)).catch((error: unknown) => {
      console.warn('[loupe] renewing the backfill run lease failed:', error);
    });
  }, (RUN_LEASE_SECONDS * 1000) / 3);
  let result: BackfillResult;
  try {
    result = await work(db, run, options);
  } finally {
    clearInterval(heartbeat);
  }
  if (result.kind === 'ran') await notifyRunEnded(result.run, await providerStatuses(db));
  return result;
}

async function work(db: Db, run: BackfillRun, options: BackfillOptions): Promise<BackfillResult> {
  const budget = await remainingBudget(db);
  const model = configuredVisionProvider()?.model ?? null;
  const mode = options.mode ?? config().backfill.mode;
  let batch: BatchSubmission | null = null;
  let selected: ReasonCounts;
  if (mode === 'batch') {
    const work = await selectAltWork(db, options.selection, { maxImages: budget.images });
    const queued = await queueDescribeBatches(db, work.ids, { runId: run.id });
    if (queued.ok) {
      batch = { kind: 'sent', batches: queued.batches, lines: queued.lines, online: queued.online };
      selected = { ...work.counts, embedding: await enqueueMissingVectors(db, options.selection, config().backfill.batchSize) };
    } else {
      batch = { kind: 'online', message: queued.message };
      selected = await enqueueBackfill(db, options.selection, { maxImages: budget.images, pageSize: config().backfill.batchSize, model });
    }
  } else {
    selected = await enqueueBackfill(db, options.selection, { maxImages: budget.images, pageSize: config().backfill.batchSize, model });
  }
  const images = selected.missing + selected.failed_due + selected.regenerate;
  const tally = { written: 0, failed: {} as Record<string, number>, inputTokens: 0, outputTokens: 0 };
  const progress: Progress = { total: images, done: 0, written: 0, failed: 0, costUsd: 0, startedAt: Date.now() };
  await db.update(backfillRuns).set({ selected: images }).where(eq(backfillRuns.id, run.id));

  const stop = new AbortController();
  let stopReason: StopReason | null = null;
  const halt = (reason: StopReason) => {
    stopReason ??= reason;
    stop.abort();
  };
  options.signal?.addEventListener('abort', () => halt('interrupted'), { once: true });
  if (options.signal?.aborted) halt('interrupted');

  const onJob = async (outcome: JobOutcome) => {
    const { job } = outcome;
    const bump = (key: string) => (tally.failed[key] = (tally.failed[key] ?? 0) + 1);
    if (outcome.kind === 'retry' || outcome.kind === 'failed') bump(`${job.kind}:${outcome.code}`);
    if (job.kind !== 'describe' || !job.assetId) return;
    const call = await describeCallsSince(db, job.assetId, run.startedAt);
    tally.inputTokens += call.inputTokens;
    tally.outputTokens += call.outputTokens;
    if (call.written) tally.written += 1;
    else if (call.failure) bump(`describe:${call.failure}`);
    progress.done += 1;
    progress.written = tally.written;
    progress.failed = progress.done - tally.written;
    progress.costUsd = costUsd(tally.inputTokens, tally.outputTokens);
    options.onProgress?.(progress);
    if (progress.costUsd >= budget.usdLeft) halt('budget_usd');
    if (call.failure === 'rate_limited_long' || call.failure === 'quota_exhausted') halt('provider_blocked');
  };

  if (stopReason === null) {
    const pending: Promise<void>[] = [];
    const summary = await runDueJobs(db, {
      concurrency: options.concurrency ?? config().jobs.concurrency,
      deadline: options.deadline,
      signal: stop.signal,
      onJob: (outcome) => pending.push(onJob(outcome)),
    });
    await Promise.all(pending);
    if (summary.stopped === 'deadline') stopReason ??= 'deadline';
  }
  const finalReason: StopReason = stopReason ?? (budget.limitedBy && images >= budget.images ? (budget.limitedBy === 'images' ? 'budget_images' : 'budget_usd') : 'done');
  const [ended] = await db
    .update(backfillRuns)
    .set({
      endedAt: sql`now()`,
      claimedUntil: null,
      // Added to, not set: a batch this run sent adds its answers to the run as they are applied.
      written: sql`${backfillRuns.written} + ${tally.written}`,
      failed: tally.failed,
      inputTokens: sql`${backfillRuns.inputTokens} + ${tally.inputTokens}`,
      outputTokens: sql`${backfillRuns.outputTokens} + ${tally.outputTokens}`,
      costUsd: sql`${backfillRuns.costUsd} + ${costUsd(tally.inputTokens, tally.outputTokens)}`,
      stopReason: finalReason,
    })
    .where(eq(backfillRuns.id, run.id))
    .returning();
  return { kind: 'ran', run: ended, selected, batch };
}

/** Closes runs whose process died (lease lapsed), then takes the one-run slot (a unique index on open runs). */
async function startRun(db: Db, options: BackfillOptions): Promise<{ kind: 'started'; run: BackfillRun } | Extract<BackfillResult, { kind: 'busy' }>> {
  await db
    .update(backfillRuns)
    .set({ endedAt: backfillRuns.claimedUntil, stopReason: 'abandoned', claimedUntil: null })
    .where(and(isNull(backfillRuns.endedAt), lt(backfillRuns.claimedUntil, sql`now()`)));
  const [run] = await db
    .insert(backfillRuns)
    .values({ trigger: options.trigger, options: selectionRecord(options.selection), claimedUntil: sql`now() + make_interval(secs => ${RUN_LEASE_SECONDS})` })
    .onConflictDoNothing()
    .returning();
  if (run) return { kind: 'started', run };
  const [running] = await db
    .select({ id: backfillRuns.id, startedAt: backfillRuns.startedAt, trigger: backfillRuns.trigger })
    .from(backfillRuns)
    .where(isNull(backfillRuns.endedAt));
  return { kind: 'busy', running: running ?? { id: '', startedAt: new Date(), trigger: 'unknown' } };
}

function selectionRecord(selection: BackfillSelection): Record<string, unknown> {
  return Object.fromEntries(Object.entries({ ...selection, since: selection.since?.toISOString() }).filter(([, value]) => value !== undefined));
}

/** What this run's model calls for one asset came to: tokens, and whether text was written or why not. */
async function describeCallsSince(db: Db, assetId: string, since: Date): Promise<{ inputTokens: number; outputTokens: number; written: boolean; failure: string | null }> {
  const history = await db
    .select({ event: altHistory.event, outcome: altHistory.outcome, inputTokens: altHistory.inputTokens, outputTokens: altHistory.outputTokens })
    .from(altHistory)
    .where(and(eq(altHistory.assetId, assetId), gte(altHistory.createdAt, since)))
    .orderBy(altHistory.createdAt);
  const last = history.at(-1);
  return {
    inputTokens: history.reduce((sum, row) => sum + (row.inputTokens ?? 0), 0),
    outputTokens: history.reduce((sum, row) => sum + (row.outputTokens ?? 0), 0),
    written: history.some((row) => row.outcome === 'written' && (row.event === 'generated' || row.event === 'decorative')),
    failure: last && last.outcome !== 'written' ? (last.outcome ?? last.event) : null,
  };
}
