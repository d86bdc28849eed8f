import { eq, sql } from 'drizzle-orm';
import pLimit from 'p-limit';
import { rows } from '@/db/client';
import type { Db } from '@/db/handle';
import { connections, type Connection } from '@/db/schema';
import { fail, type Result } from '@/lib/auth';
import { config } from '@/lib/config';
import type { Connector, ConnectorError, RemoteImage, StoreAccess } from '@/lib/connectors';
import { ingestStream } from '@/lib/ingest';
import { enqueueConnectionJob, JOB_PRIORITY, leaseHeld, type DeliveryStep, type Queryable, type StepOutcome } from '@/lib/jobs';
import { storeAccess, UNREADABLE_SECRET } from './access';
import { connectorOf } from './connectors';
import { findConnection, noSuchConnection, pauseConnection } from './connections';
import { linkImage } from './link';
import { notifyRunEnded } from './notify';
import { backoffAt, deferCalls, takeCallSlot } from './pacing';
import { endRun, openSyncRun, recordOnRun, runView, type RunCounts, type RunError, type RunView } from './runs';

/**
 * The sync job (kind `sync`, about one connection): pages through the store's images changed since the last
 * complete pass, from the stored cursor. Each page's images are fetched with bounded parallelism (the
 * connector's concurrency, paced per connection) and stored through the ingest path (hashed while streaming;
 * a file already in the library is only linked); then the page's links, products, alt texts, counts and the
 * cursor of the next page are written in ONE transaction, conditional on the job's lease. A sync killed at any
 * point resumes at the first page not committed, and what it redoes is deduplicated by SHA-256 and by the
 * remote's key, so nothing is written twice.
 */

export const SYNC_MAX_ATTEMPTS = 5;
/** A pass stops taking pages after this long and continues as the same job (never near the runner's step limit). */
const PASS_BUDGET_MS = 60_000;

type ImageOutcome =
  | { kind: 'stored'; image: RemoteImage; assetId: string; created: boolean }
  | { kind: 'failed'; image: RemoteImage; code: string; message: string }
  | { kind: 'stop'; image: RemoteImage; error: ConnectorError };

/** What stops a run on the connector's word: credentials refused pause the connection; the rest end the run. */
async function stopOnStoreError(db: Db, connection: Connection, runId: string, error: ConnectorError, attempts: number): Promise<StepOutcome> {
  const entry: RunError = { remoteId: null, code: error.code, message: error.message };
  if (error.code === 'unauthorized' || error.code === 'forbidden') {
    const message = `The store refused Loupe's credentials (${error.message}); replace them to resume.`;
    await db.transaction(async (tx) => {
      await pauseConnection(tx, connection.id, message);
      await recordOnRun(tx, runId, {}, [entry]);
      await endRun(tx, runId, 'paused');
    });
    await notifyRunEnded(db, runId);
    return { ok: true };
  }
  if (error.code === 'rate_limited' || error.code === 'unreachable' || error.code === 'remote_error') {
    if (error.code === 'rate_limited' && error.retryAfterMs) await deferCalls(db, connection.id, error.retryAfterMs);
    await recordOnRun(db, runId, {}, [entry]);
    if (attempts + 1 < SYNC_MAX_ATTEMPTS) {
      const retryAt = error.retryAfterMs ? new Date(Date.now() + error.retryAfterMs) : backoffAt(attempts);
      return { ok: false, kind: 'failed', code: `store_${error.code}`, message: error.message, retryAt };
    }
  } else await recordOnRun(db, runId, {}, [{ ...entry, message: `The store's answer cannot be used: ${error.message}` }]);
  await endRun(db, runId, 'failed');
  await notifyRunEnded(db, runId);
  return { ok: false, kind: 'failed', code: `store_${error.code}`, message: error.message };
}

async function fetchOne(db: Db, connection: Connection, connector: Connector, access: StoreAccess, image: RemoteImage, signal: AbortSignal): Promise<ImageOutcome> {
  await takeCallSlot(db, connection.id, connector.limits.requestsPerSecond, signal);
  const fetched = await connector.fetchImage(access, image, { maxBytes: config().upload.maxBytes });
  if (!fetched.ok) {
    if (fetched.code === 'unauthorized') return { kind: 'stop', image, error: fetched };
    return { kind: 'failed', image, code: fetched.code, message: fetched.message };
  }
  const stored = await ingestStream(db, { filename: filenameOf(image), body: fetched.body, maxBytes: config().upload.maxBytes, uploadedBy: null });
  if (stored.kind === 'rejected') return { kind: 'failed', image, code: stored.code, message: stored.message };
  return { kind: 'stored', image, assetId: stored.assetId, created: stored.kind === 'created' };
}

/** The store's file name, else the URL's last segment, else one made from the remote id. */
function filenameOf(image: RemoteImage): string {
  if (image.filename) return image.filename;
  try {
    const last = decodeURIComponent(new URL(image.url).pathname.split('/').pop() ?? '');
    if (last) return last;
  } catch {
    // A malformed URL or escape: the remote id names it instead.
  }
  return `image-${image.remoteId}`;
}

export const syncStep: DeliveryStep = async ({ db, job, lease, signal }) => {
  const connection = job.connectionId ? await findConnection(db, job.connectionId) : null;
  // Deleted: its jobs go with it; nothing to do. Paused: a sync asked for later runs once it resumes.
  if (!connection || connection.status === 'paused') return { ok: true };
  const connector = connectorOf(connection.kind);
  if (!connector) return { ok: false, kind: 'failed', code: 'unsupported_store', message: `Loupe has no connector for ${connection.kind} stores in this build.` };
  const run = await openSyncRun(db, connection.id);
  const access = await storeAccess(connection, signal);
  if (!access) {
    await db.transaction(async (tx) => {
      await pauseConnection(tx, connection.id, UNREADABLE_SECRET);
      await endRun(tx, run.id, 'paused');
    });
    return { ok: true };
  }
  const limit = pLimit(Math.max(1, connector.limits.concurrency));
  const passEnds = Date.now() + PASS_BUDGET_MS;
  let state = { since: connection.syncSince, cursor: connection.syncCursor, highWater: connection.syncHighWater };
  for (;;) {
    if (signal.aborted) return { ok: false, kind: 'claim_lost' };
    await takeCallSlot(db, connection.id, connector.limits.requestsPerSecond, signal);
    const page = await connector.listChangedImages(access, { since: state.since, cursor: state.cursor });
    if (!page.ok) return stopOnStoreError(db, connection, run.id, page, job.attempts);
    if (page.next !== null && page.next === state.cursor) {
      return stopOnStoreError(db, connection, run.id, { code: 'not_platform', message: 'the store named the same page as the next one again (it would page forever)' }, job.attempts);
    }
    const outcomes = await Promise.all(page.images.map((image) => limit(() => fetchOne(db, connection, connector, access, image, signal))));
    const stop = outcomes.find((outcome) => outcome.kind === 'stop');
    if (stop) return stopOnStoreError(db, connection, run.id, stop.error, job.attempts);

    // The next sync asks for changes after the store's own clock when this one began (the first page's storeTime),
    // so an image edited while this sync paged is listed again next time. A store that tells no time: the newest
    // change seen.
    const newestSeen = () => page.images.reduce<string | null>((newest, image) => (newest === null || image.modifiedAt > newest ? image.modifiedAt : newest), state.highWater);
    const highWater = page.storeTime === null ? newestSeen() : state.cursor === null ? page.storeTime : state.highWater;
    const committed = await db.transaction(async (tx) => {
      const [held] = await rows<{ held: boolean }>(tx, sql`select ${leaseHeld(lease)} as held`);
      if (!held.held) return false;
      const counts: Required<Pick<RunCounts, 'seen' | 'created' | 'linked' | 'updated' | 'failed' | 'conflicts'>> = { seen: page.images.length, created: 0, linked: 0, updated: 0, failed: 0, conflicts: 0 };
      const errors: RunError[] = [];
      for (const outcome of outcomes) {
        if (outcome.kind !== 'stored') {
          counts.failed += 1;
          if (outcome.kind === 'failed') errors.push({ remoteId: outcome.image.remoteId, code: outcome.code, message: outcome.message });
          continue;
        }
        if (outcome.created) counts.created += 1;
        else counts.linked += 1;
        const linked = await linkImage(tx, connection, outcome.image, outcome.assetId);
        if (linked === 'updated') counts.updated += 1;
        if (linked === 'conflict') counts.conflicts += 1;
      }
      await recordOnRun(tx, run.id, counts, errors);
      const finished = page.next === null;
      await tx
        .update(connections)
        .set(
          finished
            ? { syncSince: highWater ?? state.since, syncCursor: null, syncHighWater: null, lastSyncedAt: sql`now()`, updatedAt: sql`now()` }
            : { syncCursor: page.next, syncHighWater: highWater, updatedAt: sql`now()` },
        )
        .where(eq(connections.id, connection.id));
      if (finished) await endRun(tx, run.id, 'done');
      return true;
    });
    if (!committed) return { ok: false, kind: 'claim_lost' };
    if (page.next === null) {
      await notifyRunEnded(db, run.id);
      return { ok: true };
    }
    state = { since: state.since, cursor: page.next, highWater };
    if (Date.now() >= passEnds) return { ok: true, again: new Date() };
  }
};

/** Queues a sync of the connection (a person's button, the API, the nightly cron): the run in progress, or a new one. */
export async function requestSync(db: Db, connectionId: string): Promise<Result<{ run: RunView }>> {
  const connection = await findConnection(db, connectionId);
  if (!connection) return noSuchConnection();
  if (connection.status === 'paused') return fail('connection_paused', `This connection is paused: ${connection.statusMessage ?? 'resume it first'}.`);
  return db.transaction(async (tx) => {
    const run = await openSyncRun(tx, connectionId);
    await enqueueConnectionJob(tx, { connectionId, kind: 'sync', priority: JOB_PRIORITY.webhook });
    return { ok: true, run: runView(run) };
  });
}

/** The nightly cron: a sync for every active connection. */
export async function enqueueNightlySyncs(db: Queryable): Promise<number> {
  const active = await db.select({ id: connections.id }).from(connections).where(eq(connections.status, 'active'));
  for (const { id } of active) await enqueueConnectionJob(db, { connectionId: id, kind: 'sync', priority: JOB_PRIORITY.backfill });
  return active.length;
}
