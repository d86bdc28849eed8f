import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { connectionRuns, type ConnectionRun, type ConnectionRunOutcome } from '@/db/schema';
import type { Queryable } from '@/lib/jobs';

/** The connection's log: runs with counts and their first errors. */

/** A run keeps this many errors; the counts say how many there were in all. */
export const MAX_RUN_ERRORS = 50;

export type RunCounts = Partial<Record<'seen' | 'created' | 'linked' | 'updated' | 'failed' | 'written' | 'conflicts', number>>;
export interface RunError {
  remoteId: string | null;
  code: string;
  message: string;
}

export interface RunView {
  id: string;
  kind: 'sync' | 'writeback';
  outcome: ConnectionRunOutcome;
  startedAt: string;
  endedAt: string | null;
  counts: Required<RunCounts>;
  errors: RunError[];
}

export function runView(run: ConnectionRun): RunView {
  return {
    id: run.id,
    kind: run.kind,
    outcome: run.outcome,
    startedAt: run.startedAt.toISOString(),
    endedAt: run.endedAt?.toISOString() ?? null,
    counts: { seen: run.seen, created: run.created, linked: run.linked, updated: run.updated, failed: run.failed, written: run.written, conflicts: run.conflicts },
    errors: run.errors,
  };
}

/** The sync run in progress (a crashed one is continued), or a new one. */
export async function openSyncRun(db: Queryable, connectionId: string): Promise<ConnectionRun> {
  await db.insert(connectionRuns).values({ connectionId, kind: 'sync' }).onConflictDoNothing();
  const [run] = await db
    .select()
    .from(connectionRuns)
    .where(and(eq(connectionRuns.connectionId, connectionId), eq(connectionRuns.kind, 'sync'), isNull(connectionRuns.endedAt)));
  return run;
}

export async function newWritebackRun(db: Queryable, connectionId: string): Promise<string> {
  const [run] = await db.insert(connectionRuns).values({ connectionId, kind: 'writeback' }).returning({ id: connectionRuns.id });
  return run.id;
}

/** Adds to a run's counts and keeps its first MAX_RUN_ERRORS errors. */
export async function recordOnRun(db: Queryable, runId: string, counts: RunCounts, errors: readonly RunError[] = []): Promise<void> {
  const add = (column: keyof RunCounts) => sql`${sql.identifier(column)} + ${counts[column] ?? 0}`;
  await db.execute(sql`
    update connection_runs set
      seen = ${add('seen')}, created = ${add('created')}, linked = ${add('linked')}, updated = ${add('updated')},
      failed = ${add('failed')}, written = ${add('written')}, conflicts = ${add('conflicts')},
      errors = case when jsonb_array_length(errors) >= ${MAX_RUN_ERRORS} then errors
        else (select coalesce(jsonb_agg(e), '[]'::jsonb) from (
          select e from jsonb_array_elements(errors || ${JSON.stringify(errors)}::jsonb) e limit ${MAX_RUN_ERRORS}) kept) end
    where id = ${runId}`);
}

export async function endRun(db: Queryable, runId: string, outcome: Exclude<ConnectionRunOutcome, 'running'>): Promise<void> {
  await db.update(connectionRuns).set({ outcome, endedAt: sql`now()` }).where(and(eq(connectionRuns.id, runId), isNull(connectionRuns.endedAt)));
}

export async function listRuns(db: Queryable, connectionId: string, limit = 50): Promise<RunView[]> {
  const runs = await db.select().from(connectionRuns).where(eq(connectionRuns.connectionId, connectionId)).orderBy(desc(connectionRuns.startedAt), desc(connectionRuns.id)).limit(limit);
  return runs.map(runView);
}
