import { and, asc, eq, inArray, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import { rows } from '@/db/client';
import type { Db } from '@/db/handle';
import { assetRemotes, assets, type Asset, type AssetRemote, type Connection } from '@/db/schema';
import { config } from '@/lib/config';
import type { AltWrite, Connector, ConnectorError, StoreAccess } from '@/lib/connectors';
import type { Result } from '@/lib/result';
import { leaseHeld, type DeliveryStep, type JobLease, type StepOutcome } from '@/lib/jobs';
import { pauseConnection } from './connections';
import { notifyRunEnded } from './notify';
import { backoffAt, holdBackCalls, isRetryable, retryOutcome, takeCallSlot } from './pacing';
import { endRun, type RunError } from './runs';
import { beforeWriteSet, enqueueWritebacks, openStore, planAfterRead, planWrite, tally, updateRemote, writableText, writesInBatches, writtenSet, WRITEBACK_MAX_ATTEMPTS } from './writeback';

/**
 * Batched writeback (kind `store_writes`, one job per connection). A store whose connector reads and writes
 * several images a call (readAlts and writeAlts: Shopify's nodes and fileUpdate) is not sent one job per photo:
 * its remotes waiting to be written (pending_run_id set, or an undo) are taken a page at a time, read in one
 * call per hundred and written in one call per 25. From CONNECTIONS_BULK_WRITE_FROM waiting, they ride in one of
 * the store's own bulk operations instead (startBulkWrite; polled by this job every BULK_POLL_MS until done), so
 * thousands of texts cost a handful of calls. Every remote is decided as the one-photo writeback decides it
 * (planWrite, planAfterRead): a text edited in the shop is kept as a conflict, the text replaced is kept for
 * undo, an undo puts it back.
 */

/** Remotes decided per pass when writing through calls; the job runs again at once while more wait. */
export const WRITES_PER_PASS = 250;
/** At most this many texts in one bulk operation (Shopify runs one at a time per shop; the rest follow). */
export const BULK_MAX_ITEMS = 20_000;
/** Rows per statement when marking a bulk operation's remotes: well under PostgreSQL's 65,535 parameters. */
const ROWS_PER_STATEMENT = 2_000;
/** How often a bulk operation under way is asked how it stands. */
export const BULK_POLL_MS = 5_000;

/** Remotes of the connection waiting for a write (or an undo) and not riding in a bulk operation. */
function waitingSql(connectionId: string): SQL {
  return sql`${and(
    eq(assetRemotes.connectionId, connectionId),
    or(isNotNull(assetRemotes.pendingRunId), eq(assetRemotes.restorePending, true)),
    isNull(assetRemotes.bulkOperationId),
  )}`;
}

type Waiting = { remote: AssetRemote; asset: Asset };
type Planned = Waiting & { text: string; restoring: boolean };
type Write = Planned & { replaced: string };

const LEASE_LOST: StepOutcome = { ok: false, kind: 'claim_lost' };

export const storeWritesStep: DeliveryStep = async ({ db, job, lease, signal }) => {
  const store = await openStore(db, job.connectionId, signal);
  if (!store.ok) return store.outcome;
  const { connection, connector, access } = store;
  if (!writesInBatches(connector)) return { ok: true };
  const [inFlight] = await db
    .select({ operationId: assetRemotes.bulkOperationId })
    .from(assetRemotes)
    .where(and(eq(assetRemotes.connectionId, connection.id), isNotNull(assetRemotes.bulkOperationId)))
    .limit(1);
  const pass = new Pass(db, lease);
  try {
    // A bulk operation under way is polled until done; only then are the next texts taken.
    return inFlight?.operationId
      ? await pollBulk(db, connection, connector, access, inFlight.operationId, job.attempts, signal, pass)
      : await writeWaiting(db, connection, connector, access, job.attempts, lease, signal, pass);
  } finally {
    await pass.flush();
  }
};

/** One pass over the texts waiting for the store: a page through calls, or one bulk operation started. */
async function writeWaiting(db: Db, connection: Connection, connector: Connector, access: StoreAccess, attempts: number, lease: JobLease, signal: AbortSignal, pass: Pass): Promise<StepOutcome> {
  const [{ n: waitingCount }] = await db.select({ n: sql<number>`count(*)::int` }).from(assetRemotes).where(waitingSql(connection.id));
  if (waitingCount === 0) return { ok: true };
  const bulk = Boolean(connector.startBulkWrite) && waitingCount >= config().connections.bulkWriteFrom;
  // Oldest first: a remote whose write failed for now (an image still processing) goes to the back.
  const page: Waiting[] = (
    await db
      .select({ remote: assetRemotes, asset: assets })
      .from(assetRemotes)
      .innerJoin(assets, eq(assets.id, assetRemotes.assetId))
      .where(waitingSql(connection.id))
      .orderBy(asc(assetRemotes.updatedAt), asc(assetRemotes.remoteId))
      .limit(bulk ? BULK_MAX_ITEMS : WRITES_PER_PASS)
  ).map((row) => ({ remote: row.remote, asset: row.asset }));

  const toRead: Planned[] = [];
  for (const item of page) {
    const plan = planWrite(item.remote, writableText(item.asset), item.asset.version, connector);
    if (plan.kind === 'read') toRead.push({ ...item, text: plan.text, restoring: plan.restoring });
    else if (!(await pass.settle(item.remote, plan.set, plan.counts, plan.errors))) return LEASE_LOST;
  }

  const writes: Write[] = [];
  if (toRead.length) {
    const readAlts = connector.readAlts!;
    const read = await callStore(db, connection, connector, signal, () =>
      readAlts(
        access,
        toRead.map((item) => item.remote.remoteId),
      ),
    );
    if (!read.ok) return pageFailure(db, connection, toRead, read, attempts, pass);
    for (const item of toRead) {
      const current = answerFor(read.alts, item.remote, connector);
      if (!current.ok) {
        const outcome = await itemFailure(db, connection, item.remote, current, attempts, pass);
        if (outcome) return outcome;
        continue;
      }
      const next = planAfterRead(item.remote, item, current.altText, item.asset.version);
      if (next.kind === 'write') writes.push({ ...item, replaced: current.altText });
      else if (next.kind === 'settle' && !(await pass.settle(item.remote, next.set, next.counts))) return LEASE_LOST;
    }
  }
  if (!(await keepReplacedTexts(db, lease, connection.id, writes))) return LEASE_LOST;

  const outcome = bulk && writes.length ? await startBulk(db, connection, connector, access, writes, attempts, lease, signal, pass) : await writePage(db, connection, connector, access, writes, attempts, signal, pass);
  if (!outcome.ok) return outcome;
  await requeueChangedMeanwhile(db, connection.id, page);
  if (outcome.again !== undefined) return outcome;
  return nextPass(db, connection.id, pass, attempts);
}

/**
 * Kept before the call, in one statement for the page: the text each write is about to replace, so a worker
 * killed after the store took the writes leaves them for undo (the next pass finds the store already holding
 * the text and writes nothing). An undo keeps none. False when the lease was lost.
 */
async function keepReplacedTexts(db: Db, lease: JobLease, connectionId: string, writes: readonly Write[]): Promise<boolean> {
  const kept = writes.filter((item) => beforeWriteSet(item.remote, item.restoring, item.replaced) !== null);
  if (!kept.length) return true;
  const values = sql.join(kept.map((item) => sql`(${item.remote.remoteId}, ${item.replaced})`), sql`, `);
  const updated = await rows<{ remote_id: string }>(
    db,
    sql`update asset_remotes r set previous_alt = v.replaced, last_run_id = r.pending_run_id, updated_at = now()
      from (values ${values}) as v(remote_id, replaced)
      where r.connection_id = ${connectionId} and r.remote_id = v.remote_id and ${leaseHeld(lease)}
      returning r.remote_id`,
  );
  return updated.length === kept.length;
}

/** After a pass: done, again at once while texts wait, or later (with backoff) when the store left some for later. */
async function nextPass(db: Db, connectionId: string, pass: Pass, attempts: number): Promise<StepOutcome> {
  if (pass.deferred) return retryOutcome(pass.deferred, attempts);
  const [{ n: left }] = await db.select({ n: sql<number>`count(*)::int` }).from(assetRemotes).where(waitingSql(connectionId));
  return left > 0 ? { ok: true, again: new Date() } : { ok: true };
}

/** The store's answer for one image of a batched call; an image it left out of its answer is a failure of its own. */
function answerFor(answers: ReadonlyMap<string, Result<{ altText: string }, ConnectorError>>, remote: AssetRemote, connector: Connector): Result<{ altText: string }, ConnectorError> {
  return answers.get(remote.remoteId) ?? { ok: false, code: 'remote_error', message: `${connector.label} said nothing of ${remote.remoteId}.` };
}

/** One call to the store in the connection's schedule (every worker and instance shares it). */
async function callStore<T>(db: Db, connection: Connection, connector: Connector, signal: AbortSignal, call: () => Promise<T>): Promise<T> {
  await takeCallSlot(db, connection.id, connector.limits.requestsPerSecond, signal);
  return call();
}

/** Writes the page's texts through calls (the connector packs them, 25 a call for Shopify). */
async function writePage(db: Db, connection: Connection, connector: Connector, access: StoreAccess, writes: readonly Write[], attempts: number, signal: AbortSignal, pass: Pass): Promise<StepOutcome> {
  if (!writes.length) return { ok: true };
  const writeAlts = connector.writeAlts!;
  const written = await callStore(db, connection, connector, signal, () => writeAlts(access, writes.map(altWrite)));
  if (!written.ok) return pageFailure(db, connection, writes, written, attempts, pass);
  for (const item of writes) {
    const outcome = answerFor(written.outcomes, item.remote, connector);
    if (!outcome.ok) {
      const stop = await itemFailure(db, connection, item.remote, outcome, attempts, pass);
      if (stop) return stop;
      continue;
    }
    if (!(await pass.settle(item.remote, writtenSet(item.remote, item.restoring, item.replaced, outcome.altText, item.asset.version), { written: 1 }))) return LEASE_LOST;
  }
  return { ok: true };
}

function altWrite(item: Planned): AltWrite {
  return { remoteId: item.remote.remoteId, altText: item.text };
}

/** The order a bulk operation's items are sent in, and read back in when it is polled. */
function byRemoteId<T extends { remoteId: string }>(items: T[]): T[] {
  return items.sort((a, b) => (a.remoteId < b.remoteId ? -1 : a.remoteId > b.remoteId ? 1 : 0));
}

/** Starts one bulk operation over the writes; each remote then names it and the text sent, for whoever polls it. */
async function startBulk(db: Db, connection: Connection, connector: Connector, access: StoreAccess, writes: readonly Write[], attempts: number, lease: JobLease, signal: AbortSignal, pass: Pass): Promise<StepOutcome> {
  const startBulkWrite = connector.startBulkWrite!;
  const items = byRemoteId(writes.map(altWrite));
  const started = await callStore(db, connection, connector, signal, () => startBulkWrite(access, items));
  if (!started.ok) return pageFailure(db, connection, writes, started, attempts, pass);
  for (const item of writes) {
    const refused = started.refused.get(item.remote.remoteId);
    if (refused) {
      const stop = await itemFailure(db, connection, item.remote, refused, attempts, pass);
      if (stop) return stop;
    }
  }
  const riding = writes.filter((item) => !started.refused.has(item.remote.remoteId));
  for (let start = 0; start < riding.length; start += ROWS_PER_STATEMENT) {
    const chunk = riding.slice(start, start + ROWS_PER_STATEMENT);
    const values = sql.join(chunk.map((item) => sql`(${item.remote.remoteId}, ${item.text})`), sql`, `);
    const marked = await rows<{ remote_id: string }>(
      db,
      sql`update asset_remotes r set bulk_operation_id = ${started.operationId}, bulk_alt = v.sent, updated_at = now()
        from (values ${values}) as v(remote_id, sent)
        where r.connection_id = ${connection.id} and r.remote_id = v.remote_id and ${leaseHeld(lease)}
        returning r.remote_id`,
    );
    if (marked.length !== chunk.length) return LEASE_LOST;
  }
  return { ok: true, again: new Date(Date.now() + BULK_POLL_MS) };
}

/** Asks how the bulk operation stands; once done, settles each of its remotes with the store's answer. */
async function pollBulk(db: Db, connection: Connection, connector: Connector, access: StoreAccess, operationId: string, attempts: number, signal: AbortSignal, pass: Pass): Promise<StepOutcome> {
  const riding = await db
    .select({ remote: assetRemotes, asset: assets })
    .from(assetRemotes)
    .innerJoin(assets, eq(assets.id, assetRemotes.assetId))
    .where(and(eq(assetRemotes.connectionId, connection.id), eq(assetRemotes.bulkOperationId, operationId)));
  const items = byRemoteId(riding.map(({ remote }) => ({ remoteId: remote.remoteId, altText: remote.bulkAlt ?? '' })));
  const bulkWriteStatus = connector.bulkWriteStatus!;
  const status = await callStore(db, connection, connector, signal, () => bulkWriteStatus(access, operationId, items));
  const released = { bulkOperationId: null, bulkAlt: null };
  if (!status.ok) {
    if (status.code === 'unauthorized') return pageFailure(db, connection, riding, status, attempts, pass);
    // The operation failed, expired or is unknown to the store: its remotes wait again, for calls or a new operation.
    for (const { remote } of riding) if (!(await pass.update(remote, { ...released, error: status.message }))) return LEASE_LOST;
    return { ok: false, kind: 'failed', code: `store_${status.code}`, message: status.message, retryAt: backoffAt(attempts) };
  }
  if (status.status === 'running') return { ok: true, again: new Date(Date.now() + BULK_POLL_MS) };
  for (const { remote, asset } of riding) {
    const outcome = answerFor(status.outcomes, remote, connector);
    const sent = remote.bulkAlt ?? '';
    if (!outcome.ok) {
      if (!(await pass.update(remote, released))) return LEASE_LOST;
      const stop = await itemFailure(db, connection, { ...remote, ...released }, outcome, attempts, pass);
      if (stop) return stop;
      continue;
    }
    const restoring = remote.restorePending;
    // The version whose text went out: the asset's own if its text is still the one sent; otherwise it changed
    // while the operation ran, and it waits to be written again (its remote keeps waiting).
    const current = !restoring && writableText(asset) === sent ? asset.version : null;
    const set = { ...writtenSet(remote, restoring, remote.previousAlt, outcome.altText, current), ...released };
    if (!restoring && current === null) {
      if (!(await pass.update(remote, { ...set, status: 'pending', lastRunId: remote.pendingRunId }))) return LEASE_LOST;
      continue;
    }
    if (!(await pass.settle(remote, set, { written: 1 }))) return LEASE_LOST;
  }
  return nextPass(db, connection.id, pass, attempts);
}

/**
 * One pass of the job: what it settled, counted per writeback run and added to the runs once at the end (a
 * remote settles with one statement; a run's counts and its end are checked once a pass, not once an image), and
 * the first image it left for later (a busy store, an image not READY), if any.
 */
class Pass {
  deferred?: ConnectorError;
  private readonly tallies = new Map<string, { counts: Required<Counts>; errors: RunError[] }>();

  constructor(
    private readonly db: Db,
    private readonly lease: JobLease,
  ) {}

  /** Settles one remote (it no longer waits in its run); false when the lease was lost. */
  async settle(remote: AssetRemote, set: RemoteSet, counts: Counts = {}, errors: readonly RunError[] = []): Promise<boolean> {
    if (!(await updateRemote(this.db, this.lease, remote, { ...set, pendingRunId: null }))) return false;
    if (remote.pendingRunId) {
      const tally = this.tallies.get(remote.pendingRunId) ?? { counts: { written: 0, conflicts: 0, failed: 0 }, errors: [] };
      tally.counts.written += counts.written ?? 0;
      tally.counts.conflicts += counts.conflicts ?? 0;
      tally.counts.failed += counts.failed ?? 0;
      tally.errors.push(...errors);
      this.tallies.set(remote.pendingRunId, tally);
    }
    return true;
  }

  /** Sets a remote's columns without settling it (it keeps waiting); false when the lease was lost. */
  update(remote: AssetRemote, set: RemoteSet): Promise<boolean> {
    return updateRemote(this.db, this.lease, remote, set);
  }

  /** Adds the pass's counts to their runs, and ends each run nothing waits in any more. */
  async flush(): Promise<void> {
    for (const [runId, { counts, errors }] of this.tallies) await tally(this.db, runId, counts, errors);
    this.tallies.clear();
  }
}

type RemoteSet = Partial<typeof assetRemotes.$inferInsert>;
type Counts = { written?: number; conflicts?: number; failed?: number };

/**
 * One image's failure within a batch: a busy store or an image not ready yet waits for a later pass (the remote
 * keeps waiting, moved to the back; the job tries again with backoff, so it never spins on it), until the job's
 * attempts run out; anything else fails the image alone. Null: go on.
 */
async function itemFailure(db: Db, connection: Connection, remote: AssetRemote, error: ConnectorError, attempts: number, pass: Pass): Promise<StepOutcome | null> {
  if (error.code === 'unauthorized') return pageFailure(db, connection, [], error, attempts, pass);
  if (isRetryable(error) && attempts + 1 < WRITEBACK_MAX_ATTEMPTS) {
    await holdBackCalls(db, connection.id, error);
    pass.deferred ??= error;
    return (await pass.update(remote, { error: error.message })) ? null : LEASE_LOST;
  }
  const itemError: RunError = { remoteId: remote.remoteId, code: error.code, message: error.message };
  return (await pass.settle(remote, { status: 'failed', error: error.message, restorePending: false }, { failed: 1 }, [itemError])) ? null : LEASE_LOST;
}

/**
 * A failure of a whole call. Credentials refused pause the connection and end the runs waiting on it; a busy or
 * failing store is tried again later with backoff, the remotes still waiting; anything else (or the attempts run
 * out) fails the page's images, and the rest go on.
 */
async function pageFailure(db: Db, connection: Connection, items: readonly Waiting[], error: ConnectorError, attempts: number, pass: Pass): Promise<StepOutcome> {
  if (error.code === 'unauthorized') {
    await pauseConnection(db, connection.id, `The store refused Loupe's credentials (${error.message}); replace them to resume.`);
    // Every run waiting on the store ends paused; its remotes keep waiting and go out once the credentials are replaced.
    const waitingRuns = await db.selectDistinct({ id: assetRemotes.pendingRunId }).from(assetRemotes).where(and(eq(assetRemotes.connectionId, connection.id), isNotNull(assetRemotes.pendingRunId)));
    for (const { id: runId } of waitingRuns) {
      if (!runId) continue;
      await endRun(db, runId, 'paused');
      await notifyRunEnded(db, runId);
    }
    return { ok: false, kind: 'failed', code: 'store_unauthorized', message: error.message };
  }
  if (isRetryable(error) && attempts + 1 < WRITEBACK_MAX_ATTEMPTS) {
    await holdBackCalls(db, connection.id, error);
    return retryOutcome(error, attempts);
  }
  for (const { remote } of items) {
    const itemError: RunError = { remoteId: remote.remoteId, code: error.code, message: error.message };
    if (!(await pass.settle(remote, { status: 'failed', error: error.message, restorePending: false }, { failed: 1 }, [itemError]))) return LEASE_LOST;
  }
  return { ok: true, again: new Date() };
}

/**
 * A text approved while its page was being written was marked waiting by its event, and the page's settle then
 * took it off: such assets (their version moved on) are queued again, so their new text goes out next pass.
 */
async function requeueChangedMeanwhile(db: Db, connectionId: string, page: readonly Waiting[]): Promise<void> {
  if (!page.length) return;
  const planned = new Map(page.map(({ asset }) => [asset.id, asset.version]));
  const now = await db.select({ id: assets.id, version: assets.version }).from(assets).where(inArray(assets.id, [...planned.keys()]));
  const moved = now.filter((row) => row.version !== planned.get(row.id)).map((row) => row.id);
  if (moved.length) await db.transaction((tx) => enqueueWritebacks(tx, moved, { connectionId, force: true }));
}
