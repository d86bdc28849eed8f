import { randomUUID } from 'node:crypto';
import { and, eq, inArray, lte, sql, type SQL } from 'drizzle-orm';
import { uploadedSql } from '@/lib/filters';
import type { Db } from '@/db/handle';
import { assets, jobs, type Asset, type Job, type JobKind } from '@/db/schema';
import { config } from '@/lib/config';
import { currentInstanceId, instanceAlive } from './instance';
import { batchKind, deliveryKind, downloadKind, kindsCountingTowardAssetState, kindsRunningWhileTrashed } from './registry';
import type { JobLease } from './lease';

/**
 * The one claimer. Work is claimed in the database, never only in memory: a claim is a short lease
 * (`claimed_until`, JOBS_LEASE_SECONDS, about a minute) plus a token (`claim_token`), renewed by a heartbeat
 * while the step runs (run.ts), and the instance that holds it (`claimed_by`). A crashed worker's job is taken
 * again by any sweeper once its instance's heartbeat goes stale (seconds), or at the latest when its lease runs
 * out; every write a worker makes is conditional on its token, so a reclaimed job is never written twice.
 */

/**
 * Lower runs first: a photo just uploaded or a person's request always before backfill work. Webhook
 * deliveries sit between: light, and someone's integration waits for them, but never ahead of a person.
 */
export const JOB_PRIORITY = { interactive: 0, webhook: 5, backfill: 10 } as const;

/** The query surface shared by the database and a transaction. */
export type Queryable = Pick<Db, 'select' | 'insert' | 'update' | 'execute'>;

export interface EnqueueRequest {
  assetId: string;
  kind: JobKind;
  /** '' (the default) for kinds done once per asset; the embedding model id for embed. */
  key?: string;
  priority: number;
  /** The input to process: a done job with the same hash is not redone. */
  inputHash?: string;
  /** Run again even when done with the same input (a person's "regenerate"). */
  force?: boolean;
  /** Due then rather than now (a trashed asset's purge, TRASH_DAYS later). */
  notBefore?: Date;
  /** The store the work is also about (a writeback); its key is then the connection's id (`id/locale` for a translation's). */
  connectionId?: string;
}

/** A claimed job with what it is about: its asset, or (a webhook delivery's job) no asset at all. */
export type JobClaim = { job: Job; lease: JobLease } & ({ asset: Asset } | { asset: null });

const leaseEnd = () => sql`now() + make_interval(secs => ${config().jobs.leaseSeconds})`;

/**
 * Upserts the job on (asset_id, kind, key) and makes it due now. A queued job keeps the more urgent priority;
 * a running or done job is redone only for a different input hash, or when forced (a running one is marked
 * pending again, so it runs once more after the current run). Returns whether anything was (re)queued.
 */
export async function enqueueJob(db: Queryable, request: EnqueueRequest): Promise<boolean> {
  const queued = await enqueueIn(db, request);
  if (queued) await syncAssetState(db, request.assetId);
  return queued;
}

async function enqueueIn(db: Queryable, request: EnqueueRequest): Promise<boolean> {
  const queued = await db
    .insert(jobs)
    .values({
      assetId: request.assetId,
      connectionId: request.connectionId ?? null,
      kind: request.kind,
      key: request.key ?? '',
      priority: request.priority,
      inputHash: request.inputHash ?? null,
      nextAttemptAt: request.notBefore ?? sql`now()`,
    })
    .onConflictDoUpdate({
      target: [jobs.assetId, jobs.kind, jobs.key],
      set: {
        status: 'pending',
        attempts: 0,
        nextAttemptAt: sql`excluded.next_attempt_at`,
        priority: sql`case when ${jobs.status} = 'done' or ${jobs.status} = 'failed' then excluded.priority else least(${jobs.priority}, excluded.priority) end`,
        inputHash: sql`coalesce(excluded.input_hash, ${jobs.inputHash})`,
        lastErrorCode: null,
        lastError: null,
        updatedAt: sql`now()`,
      },
      // Queued, waiting or failed: due now. Running or done: only for a different input (or when forced), so
      // asking again for the input already being processed does not run it twice.
      setWhere: request.force
        ? undefined
        : sql`${jobs.status} in ('pending', 'waiting', 'failed') or (excluded.input_hash is not null and excluded.input_hash is distinct from ${jobs.inputHash})`,
    })
    .returning({ id: jobs.id });
  return queued.length > 0;
}

export interface ClaimFilter {
  kinds?: readonly JobKind[];
  /** Only jobs at least this urgent (JOB_PRIORITY): a backfill-only worker passes nothing, an upload's after() its own. */
  maxPriority?: number;
  assetId?: string;
  /** The job of one download (its ZIP, right after the request that asked for it). */
  downloadId?: string;
}

/**
 * Nobody holds it: no lease, a lease that ran out, or a holder that is gone (its instance's heartbeat went
 * stale, instance.ts) other than the claimer itself (an instance whose own heartbeat was late never takes its
 * own work from under itself).
 */
const unheld = (holder: string | null) => sql`(${jobs.claimedUntil} is null or ${jobs.claimedUntil} < now()
  or (${jobs.claimedBy} is not null and ${jobs.claimedBy} is distinct from ${holder}::uuid and not ${instanceAlive(jobs.claimedBy)}))`;

/**
 * Due and unheld, or abandoned by a crashed worker (running, but its lease ran out or its instance is gone). A
 * trashed asset's work waits (no model call for a photo on its way out) until it is restored, but for the kinds
 * the registry says run while trashed (its purge).
 */
const claimable = (holder: string | null) => sql`(
  (${jobs.status} in ('pending', 'waiting') and ${jobs.nextAttemptAt} <= now()) or ${jobs.status} = 'running'
) and ${unheld(holder)}
  and (${inArray(jobs.kind, kindsRunningWhileTrashed())} or not exists (select 1 from ${assets} t where t.id = ${jobs.assetId} and t.deleted_at is not null))`;

/**
 * Claims the most urgent due job (FOR UPDATE SKIP LOCKED: concurrent claimers never take the same one) for
 * `holder`, the instance this process joined as (instance.ts).
 */
export async function claimNextJob(db: Db, filter: ClaimFilter = {}, holder: string | null = currentInstanceId()): Promise<JobClaim | null> {
  const token = randomUUID();
  const conditions: (SQL | undefined)[] = [
    claimable(holder),
    filter.kinds ? inArray(jobs.kind, [...filter.kinds]) : undefined,
    filter.maxPriority === undefined ? undefined : lte(jobs.priority, filter.maxPriority),
    filter.assetId ? eq(jobs.assetId, filter.assetId) : undefined,
    filter.downloadId ? eq(jobs.downloadId, filter.downloadId) : undefined,
  ];
  const candidate = db
    .select({ id: jobs.id })
    .from(jobs)
    .where(and(...conditions))
    .orderBy(jobs.priority, jobs.nextAttemptAt, jobs.createdAt)
    .limit(1)
    .for('update', { skipLocked: true });
  const [job] = await db
    .update(jobs)
    .set({ status: 'running', claimToken: token, claimedBy: holder, claimedUntil: leaseEnd(), updatedAt: sql`now()` })
    .where(inArray(jobs.id, candidate))
    .returning();
  if (!job) return null;
  const lease = { jobId: job.id, token };
  if (job.assetId === null) return { job, asset: null, lease };
  const [asset] = await db.select().from(assets).where(eq(assets.id, job.assetId));
  // The asset was deleted between the two statements: its jobs went with it (cascade), nothing to run.
  if (!asset) return null;
  return { job, asset, lease };
}

const holds = (lease: JobLease) => and(eq(jobs.id, lease.jobId), eq(jobs.claimToken, lease.token));

/** Extends the lease; false when it was lost (taken over after expiry, or the asset deleted). */
export async function renewLease(db: Db, lease: JobLease): Promise<boolean> {
  const renewed = await db.update(jobs).set({ claimedUntil: leaseEnd() }).where(holds(lease)).returning({ id: jobs.id });
  return renewed.length > 0;
}

export type Settlement =
  | { kind: 'done'; again?: Date | null }
  | { kind: 'retry'; retryAt: Date; code: string; message: string }
  | { kind: 'failed'; code: string; message: string };

/**
 * Records how a run ended and lets go of the job, enqueues what comes next, and updates the asset's derived
 * state, all in one transaction and only while the lease is still ours. Null when it was lost. A job that was
 * enqueued again while it ran stays pending, so it runs once more.
 */
export async function settleJob(db: Db, claim: JobClaim, settlement: Settlement, next: (tx: Queryable) => Promise<readonly EnqueueRequest[]>): Promise<Job | null> {
  return db.transaction(async (tx) => {
    const stillRunning = (status: string) => sql`case when ${jobs.status} = 'running' then ${status} else ${jobs.status} end`;
    const common = { claimToken: null, claimedBy: null, claimedUntil: null, updatedAt: sql`now()` };
    const set =
      settlement.kind === 'done'
        ? {
            ...common,
            status: stillRunning(settlement.again === undefined ? 'done' : 'waiting'),
            nextAttemptAt: settlement.again === undefined ? sql`${jobs.nextAttemptAt}` : settlement.again,
            attempts: 0,
            succeededAt: sql`now()`,
            lastErrorCode: null,
            lastError: null,
          }
        : {
            ...common,
            status: stillRunning(settlement.kind === 'retry' ? 'pending' : 'failed'),
            nextAttemptAt: settlement.kind === 'retry' ? settlement.retryAt : sql`${jobs.nextAttemptAt}`,
            attempts: sql`${jobs.attempts} + 1`,
            lastErrorCode: settlement.code,
            lastError: settlement.message,
          };
    const [job] = await tx.update(jobs).set(set).where(holds(claim.lease)).returning();
    if (!job) return null;
    if (settlement.kind === 'done') for (const request of await next(tx)) await enqueueIn(tx, request);
    if (job.assetId) await syncAssetState(tx, job.assetId);
    return job;
  });
}

/**
 * The asset's displayed state, derived from its jobs: the first failed step (derive, describe, embed) wins;
 * otherwise how far it got (a step counts as passed once it succeeded, even if it is queued again), with the
 * error of a step waiting for a retry. Uploads not yet verified keep their own state.
 */
export async function syncAssetState(db: Queryable, assetId: string): Promise<void> {
  await db.execute(sql`
    with j as (
      select kind, status, succeeded_at, last_error_code, last_error,
        case kind when 'derive' then 0 when 'describe' then 1 else 2 end as step
      from jobs where asset_id = ${assetId} and ${inArray(jobs.kind, kindsCountingTowardAssetState())}
    ), derived as (
      select
        case
          when bool_or(kind = 'derive' and status = 'failed') then 'failed_derive'
          when bool_or(kind = 'derive' and succeeded_at is null) then 'stored'
          when bool_or(kind = 'describe' and status = 'failed') then 'failed_describe'
          when bool_or(kind = 'embed' and status = 'failed') then 'failed_embed'
          when not coalesce(bool_or(kind = 'describe' and succeeded_at is not null), false) then 'derived'
          when bool_or(kind = 'embed' and succeeded_at is null) then 'described'
          else 'embedded'
        end as state,
        (array_agg(last_error_code order by step) filter (where status <> 'done' and last_error_code is not null))[1] as code,
        (array_agg(last_error order by step) filter (where status <> 'done' and last_error_code is not null))[1] as message
      from j
      having count(*) > 0
    )
    update assets set state = derived.state, error_code = derived.code, error = derived.message, updated_at = now()
    from derived
    where assets.id = ${assetId} and ${uploadedSql('assets')}`);
}

/**
 * Queues the delivery of one webhook event to one endpoint, in the caller's transaction (the outbox: the event,
 * its deliveries and their jobs commit or roll back with the change they describe).
 */
export async function enqueueDeliveries(tx: Queryable, deliveryIds: readonly string[]): Promise<void> {
  if (!deliveryIds.length) return;
  const kind = deliveryKind();
  await tx.insert(jobs).values(deliveryIds.map((deliveryId) => ({ deliveryId, kind, priority: JOB_PRIORITY.webhook })));
}

/** Queues the job that sends, polls and applies one Batch API batch (alt_batches), due now or at `notBefore`, in the caller's transaction. */
export async function enqueueBatchJob(tx: Queryable, batchId: string, priority: number, notBefore?: Date): Promise<void> {
  await tx.insert(jobs).values({ batchId, kind: batchKind(), priority, nextAttemptAt: notBefore ?? sql`now()` });
}

/**
 * Queues work about a connection as a whole (a sync), one job per (connection, kind): asking again while it is
 * queued or running changes nothing (a running sync is marked pending, so it passes once more afterwards).
 */
export async function enqueueConnectionJob(db: Queryable, request: { connectionId: string; kind: JobKind; priority: number }): Promise<void> {
  await db.execute(sql`
    insert into jobs (connection_id, kind, key, priority, next_attempt_at)
    values (${request.connectionId}, ${request.kind}, '', ${request.priority}, now())
    on conflict (connection_id, kind) where asset_id is null and connection_id is not null do update set
      status = 'pending',
      attempts = case when jobs.status in ('done', 'failed') then 0 else jobs.attempts end,
      next_attempt_at = now(), last_error_code = null, last_error = null, updated_at = now()
    where jobs.status <> 'pending' or jobs.next_attempt_at > now()`);
}

/** Queues the job that writes a download's ZIP, in the caller's transaction (it commits with the download's row). */
export async function enqueueDownloadJob(tx: Queryable, downloadId: string): Promise<void> {
  await tx.insert(jobs).values({ downloadId, kind: downloadKind(), priority: JOB_PRIORITY.interactive });
}

/**
 * Sends a delivery again from its first attempt (an admin's "redeliver"): due now, attempts reset. False when
 * it is being sent right now, or unknown.
 */
export async function requeueDelivery(db: Queryable, deliveryId: string): Promise<boolean> {
  const requeued = await db
    .update(jobs)
    .set({ status: 'pending', attempts: 0, nextAttemptAt: sql`now()`, lastErrorCode: null, lastError: null, updatedAt: sql`now()` })
    .where(and(eq(jobs.deliveryId, deliveryId), sql`${jobs.status} <> 'running'`))
    .returning({ id: jobs.id });
  return requeued.length > 0;
}

/** Jobs of one asset, for tests and the admin's view of what is left. */
export async function jobsOf(db: Queryable, assetId: string): Promise<Job[]> {
  return db.select().from(jobs).where(eq(jobs.assetId, assetId)).orderBy(jobs.kind, jobs.key);
}
