import { describeForLog } from '@/lib/errors';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import type { Db } from '@/db/handle';
import { jobs } from '@/db/schema';
import { config } from '@/lib/config';
import { removeExpiredImportFiles } from '@/lib/catalogue';
import { pruneEvents } from '@/lib/events';
import { removeAbandonedUploads } from '@/lib/ingest';
import { assertRegistryComplete, kindsToResume } from './registry';
import { runDueJobs, type RunSummary } from './run';

/**
 * The in-app sweeper: while the server runs, due and abandoned jobs (a crashed worker's lease ran out, a retry
 * came due, an upload whose after() never ran) are picked up on a timer, off the request path, a bounded
 * number at a time; once a minute it also removes uploads announced but never completed (aborting parted ones)
 * and import files kept past their hour (also removed whenever someone keeps a file), and once an hour prunes
 * events older than EVENTS_KEEP_DAYS from the outbox (lib/events). One per process (kept on globalThis across dev hot reloads); several instances share the
 * work through the claimer.
 */
interface Sweeper {
  stop: AbortController;
  timer: NodeJS.Timeout | null;
  running: Promise<RunSummary | null>;
}

/** Abandoned uploads (and their S3 multipart parts) are looked for this often, not on every tick. */
const ABANDONED_UPLOADS_EVERY_MS = 60_000;
/** Parked jobs are looked at this often: an embedding model that starts loading is used within a minute. */
const PARKED_EVERY_MS = 30_000;
/** Old events are pruned this often: days are what count, so an hour late costs nothing. */
const PRUNE_EVENTS_EVERY_MS = 60 * 60_000;

const globalForSweeper = globalThis as unknown as { loupeSweeper?: Sweeper };

export interface SweeperOptions {
  intervalMs?: number;
  concurrency?: number;
  onSweep?: (summary: RunSummary) => void;
}

export async function startSweeper(options: SweeperOptions = {}): Promise<void> {
  if (globalForSweeper.loupeSweeper) return;
  assertRegistryComplete();
  const { sweepIntervalMs, concurrency } = config().jobs;
  const intervalMs = options.intervalMs ?? sweepIntervalMs;
  // The runner's one door to the database: opened here, handed to every claim and step.
  const db = await getDb();
  const sweeper: Sweeper = { stop: new AbortController(), timer: null, running: Promise.resolve(null) };
  globalForSweeper.loupeSweeper = sweeper;
  let abandonedCheckedAt = 0;
  let parkedCheckedAt = 0;
  let eventsPrunedAt = 0;
  const sweep = async (): Promise<RunSummary | null> => {
    try {
      if (Date.now() - abandonedCheckedAt >= ABANDONED_UPLOADS_EVERY_MS) {
        abandonedCheckedAt = Date.now();
        await removeAbandonedUploads(db);
        await removeExpiredImportFiles(db);
      }
      if (Date.now() - eventsPrunedAt >= PRUNE_EVENTS_EVERY_MS) {
        eventsPrunedAt = Date.now();
        await pruneEvents(db);
      }
      if (Date.now() - parkedCheckedAt >= PARKED_EVERY_MS) {
        parkedCheckedAt = Date.now();
        await resumeParkedJobs(db);
      }
      const summary = await runDueJobs(db, { concurrency: options.concurrency ?? concurrency, signal: sweeper.stop.signal });
      options.onSweep?.(summary);
      return summary;
    } catch (error) {
      // A database blip must not end the sweeper: the next tick tries again.
      console.error(`[loupe] sweeping due jobs failed: ${describeForLog(error)}`);
      return null;
    }
  };
  const tick = () => {
    sweeper.running = sweep().finally(() => {
      if (!sweeper.stop.signal.aborted) sweeper.timer = setTimeout(tick, intervalMs);
    });
  };
  tick();
}

/** Stops claiming, waits for the jobs in flight, and clears the timer. */
export async function stopSweeper(): Promise<void> {
  const sweeper = globalForSweeper.loupeSweeper;
  if (!sweeper) return;
  sweeper.stop.abort();
  if (sweeper.timer) clearTimeout(sweeper.timer);
  await sweeper.running;
  if (sweeper.timer) clearTimeout(sweeper.timer);
  globalForSweeper.loupeSweeper = undefined;
}

/**
 * Jobs parked without a time (alt text while no vision provider is configured, embeddings while the model
 * cannot be loaded) are due once their kind can run: checked on the first sweep (off the start-up path, since
 * the check may load a model) and then every PARKED_EVERY_MS.
 */
async function resumeParkedJobs(db: Db): Promise<void> {
  const parked = await db.selectDistinct({ kind: jobs.kind }).from(jobs).where(and(eq(jobs.status, 'waiting'), isNull(jobs.nextAttemptAt)));
  const kinds = await kindsToResume(db, parked.map((row) => row.kind));
  if (kinds.length === 0) return;
  await db
    .update(jobs)
    .set({ nextAttemptAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(inArray(jobs.kind, kinds), eq(jobs.status, 'waiting'), isNull(jobs.nextAttemptAt)));
}
