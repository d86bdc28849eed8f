import { and, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { rows } from '@/db/client';
import type { Db } from '@/db/handle';
import { assetRemotes, assets, connectionRuns, connections, WRITEBACK_MODES, type Asset, type AssetRemote, type Connection, type WritebackMode } from '@/db/schema';
import { sourceLocale } from '@/lib/locales';
import { filterSql, notTrashedSql, personTextSql, type AssetFilter } from '@/lib/filters';
import { fail, type Result } from '@/lib/auth';
import type { Result as Either } from '@/lib/result';
import type { Connector, ConnectorError, StoreAccess } from '@/lib/connectors';
import { enqueueConnectionJob, enqueueJob, JOB_PRIORITY, leaseHeld, type JobLease, type Queryable, type Step, type StepOutcome } from '@/lib/jobs';
import { storeAccess, UNREADABLE_SECRET } from './access';
import { connectorOf } from './connectors';
import { findConnection, noSuchConnection, pauseConnection } from './connections';
import { holdBackCalls, isRetryable, retryOutcome, takeCallSlot } from './pacing';
import { notifyRunEnded } from './notify';
import { endRun, newWritebackRun, recordOnRun, type RunError } from './runs';

/**
 * Writing Loupe's alt text back to the stores (kind `writeback`, one job per asset and connection, and per other
 * locale where the store keeps translations: enqueueTranslationWritebacks). Only text a
 * person stands behind is written: approved, written by a person (here or in the shop), or decorative (an empty
 * alt); AI text nobody approved never is. The job is keyed by the text's version (its input hash), so the same
 * version asked for twice is written once. Before writing, the store's current text is read: if it differs from
 * the text Loupe last saw there, someone edited it in the shop, and it is not overwritten (a conflict, for a
 * person in the review queue). The text replaced is kept for undo.
 */

export const WRITEBACK_MAX_ATTEMPTS = 6;

/** Alt text a person stands behind, in SQL over `assets` (not in the trash). */
function writableSql(): SQL {
  return sql`${notTrashedSql('assets')} and ${personTextSql('assets')}`;
}

/** The text to write for this asset, or null when it has none a person stands behind. */
export function writableText(asset: Pick<Asset, 'altText' | 'altStatus' | 'altSource' | 'decorative'>): string | null {
  if (asset.decorative || asset.altStatus === 'decorative') return '';
  if (asset.altText === null) return null;
  if (asset.altStatus === 'approved' || asset.altSource === 'human' || asset.altSource === 'shop') return asset.altText;
  return null;
}

export interface WritebackRequestOptions {
  /** Only this connection's stores (manual writeback, undo); otherwise every store the asset is in. */
  connectionId?: string;
  /** Only connections in these modes (the event subscriber: on_approval). */
  modes?: readonly WritebackMode[];
  /** Write again even when this version was written (manual writeback, undo). */
  force?: boolean;
}

/**
 * Queues writebacks for these assets, in the caller's transaction (the event's or the request's): one job per
 * (asset, connection) whose text a person stands behind, and one writeback run per connection to count them.
 * Returns how many jobs were queued.
 */
export async function enqueueWritebacks(tx: Queryable, assetIds: readonly string[], options: WritebackRequestOptions = { modes: ['on_approval'] }): Promise<number> {
  if (!assetIds.length) return 0;
  const list = await rows<{ asset_id: string; connection_id: string; kind: string; version: number; written_version: number | null }>(
    tx,
    sql`
    select distinct r.asset_id, r.connection_id, c.kind, assets.version, r.written_version
    from asset_remotes r
    join assets on assets.id = r.asset_id
    join connections c on c.id = r.connection_id
    where r.asset_id in (${sql.join(assetIds.map((id) => sql`${id}::uuid`), sql`, `)})
      and ${writableSql()}
      ${options.connectionId ? sql`and r.connection_id = ${options.connectionId}` : sql``}
      ${options.modes ? sql`and c.writeback_mode in (${sql.join(options.modes.map((mode) => sql`${mode}`), sql`, `)})` : sql``}
    order by r.connection_id, r.asset_id`,
  );
  const queued = new Map<string, Set<string>>();
  // A store that writes in batches has one job for all its waiting remotes (store_writes); the version a remote
  // holds says whether it needs one, as the input hash does for a job per photo.
  const batched = new Set(list.filter((pair) => writesInBatches(connectorOf(pair.kind))).map((pair) => pair.connection_id));
  for (const pair of list) {
    const wasQueued = batched.has(pair.connection_id)
      ? Boolean(options.force) || pair.written_version !== pair.version
      : await enqueueJob(tx, {
          assetId: pair.asset_id,
          connectionId: pair.connection_id,
          kind: 'writeback',
          key: pair.connection_id,
          priority: JOB_PRIORITY.webhook,
          inputHash: `v${pair.version}`,
          force: options.force,
        });
    if (wasQueued) queued.set(pair.connection_id, (queued.get(pair.connection_id) ?? new Set()).add(pair.asset_id));
  }
  for (const [connectionId, assetSet] of queued) {
    const queuedAssets = [...assetSet];
    // A remote already waiting in an earlier run stays counted there (that run ends once it is written); a new
    // run is opened only for remotes waiting in none.
    const theirs = and(eq(assetRemotes.connectionId, connectionId), inArray(assetRemotes.assetId, queuedAssets));
    const [free] = await tx.select({ n: sql<number>`count(*)::int` }).from(assetRemotes).where(and(theirs, isNull(assetRemotes.pendingRunId)));
    const runId = free.n > 0 ? await newWritebackRun(tx, connectionId) : null;
    await tx
      .update(assetRemotes)
      .set({ pendingRunId: sql`coalesce(${assetRemotes.pendingRunId}, ${runId}::uuid)`, status: sql`case when ${assetRemotes.status} = 'conflict' then 'conflict' else 'pending' end`, updatedAt: sql`now()` })
      .where(theirs);
    if (batched.has(connectionId)) await enqueueStoreWrites(tx, connectionId);
  }
  return [...queued.values()].reduce((sum, ids) => sum + ids.size, 0);
}

/** True when the connector reads and writes several images a call: its waiting writes go through one job per connection (store-writes.ts). */
export function writesInBatches(connector: Pick<Connector, 'readAlts' | 'writeAlts'> | null): boolean {
  return Boolean(connector?.readAlts && connector.writeAlts);
}

/** Queues the connection's batched writeback (store-writes.ts), due now, in the caller's transaction. */
export async function enqueueStoreWrites(tx: Queryable, connectionId: string, priority: number = JOB_PRIORITY.webhook): Promise<void> {
  await enqueueConnectionJob(tx, { connectionId, kind: 'store_writes', priority });
}

/** Sets a remote's columns, only while this worker holds the job. */
export async function updateRemote(db: Queryable, lease: JobLease, remote: AssetRemote, set: Partial<typeof assetRemotes.$inferInsert>): Promise<boolean> {
  const updated = await db
    .update(assetRemotes)
    .set({ ...set, updatedAt: new Date() })
    .where(and(eq(assetRemotes.connectionId, remote.connectionId), eq(assetRemotes.remoteId, remote.remoteId), leaseHeld(lease)))
    .returning({ remoteId: assetRemotes.remoteId });
  return updated.length > 0;
}

/** Counts toward the run the write was queued for, and ends the run once nothing it queued is left. */
export async function tally(db: Queryable, runId: string | null, counts: { written?: number; conflicts?: number; failed?: number }, errors: RunError[]): Promise<void> {
  if (!runId) return;
  await recordOnRun(db, runId, counts, errors);
  const [left] = await db.select({ n: sql<number>`count(*)::int` }).from(assetRemotes).where(eq(assetRemotes.pendingRunId, runId));
  if (left.n === 0) {
    const [run] = await db.select({ failed: connectionRuns.failed }).from(connectionRuns).where(eq(connectionRuns.id, runId));
    await endRun(db, runId, run && run.failed > 0 ? 'failed' : 'done');
    await notifyRunEnded(db, runId);
  }
}

/** One remote is settled: its columns, its run's counts (it no longer waits in that run). False when the lease was lost. */
export async function settle(db: Queryable, lease: JobLease, remote: AssetRemote, set: Partial<typeof assetRemotes.$inferInsert>, counts: { written?: number; conflicts?: number; failed?: number } = {}, errors: RunError[] = []): Promise<boolean> {
  if (!(await updateRemote(db, lease, remote, { ...set, pendingRunId: null }))) return false;
  await tally(db, remote.pendingRunId, counts, errors);
  return true;
}

type Failed = Extract<StepOutcome, { ok: false; kind: 'failed' }>;

/**
 * A store error. Credentials refused pause the connection and end the run (no retries, no retry storm); a busy
 * or failing store is retried later with backoff (the item stays in its run); any other error fails the item
 * alone (gone from the store, not editable, an unusable answer) and the rest go on (null).
 */
export async function storeFailure(db: Db, connection: Connection, remote: AssetRemote, error: ConnectorError, attempts: number, lease: JobLease): Promise<StepOutcome | null> {
  const itemError: RunError = { remoteId: remote.remoteId, code: error.code, message: error.message };
  if (error.code === 'unauthorized') {
    await pauseConnection(db, connection.id, `The store refused Loupe's credentials (${error.message}); replace them to resume.`);
    await updateRemote(db, lease, remote, { error: error.message });
    if (remote.pendingRunId) {
      await recordOnRun(db, remote.pendingRunId, { failed: 1 }, [itemError]);
      await endRun(db, remote.pendingRunId, 'paused');
      await notifyRunEnded(db, remote.pendingRunId);
    }
    return { ok: false, kind: 'failed', code: 'store_unauthorized', message: error.message };
  }
  if (isRetryable(error)) {
    await holdBackCalls(db, connection.id, error);
    const retry: Failed = retryOutcome(error, attempts);
    if (attempts + 1 < WRITEBACK_MAX_ATTEMPTS) {
      await updateRemote(db, lease, remote, { error: error.message });
      return retry;
    }
    await settle(db, lease, remote, { status: 'failed', error: error.message, restorePending: false }, { failed: 1 }, [itemError]);
    return { ...retry, retryAt: undefined };
  }
  await settle(db, lease, remote, { status: 'failed', error: error.message, restorePending: false }, { failed: 1 }, [itemError]);
  return null;
}

/**
 * A non-source locale's approved text goes to the stores whose platform keeps alt text per language (the
 * connector has writeAltTranslation; WordPress has not and is skipped). Same kind as the source writeback, keyed
 * `connection id/locale`, so each locale of each store is its own job; the version in the input hash writes a
 * text once. Called by the event subscriber in the event's transaction.
 */
export async function enqueueTranslationWritebacks(tx: Queryable, changes: readonly { assetId: string; locale: string }[], options: { modes?: readonly WritebackMode[]; connectionId?: string } = {}): Promise<number> {
  const modes = options.modes ?? ['on_approval'];
  let queued = 0;
  for (const { assetId, locale } of changes) {
    const targets = await rows<{ connection_id: string; kind: string; version: number }>(
      tx,
      sql`
      select distinct r.connection_id, c.kind, t.version
      from asset_remotes r
      join connections c on c.id = r.connection_id
      join alt_texts t on t.asset_id = r.asset_id and t.locale = ${locale}
      where r.asset_id = ${assetId}::uuid and t.status = 'approved' and t.text is not null
        and c.writeback_mode in (${sql.join(modes.map((mode) => sql`${mode}`), sql`, `)})
        ${options.connectionId ? sql`and r.connection_id = ${options.connectionId}` : sql``}
      order by r.connection_id`,
    );
    for (const target of targets) {
      if (!connectorOf(target.kind as Connection['kind'])?.writeAltTranslation) continue;
      const wasQueued = await enqueueJob(tx, { assetId, connectionId: target.connection_id, kind: 'writeback', key: translationKey(target.connection_id, locale), priority: JOB_PRIORITY.webhook, inputHash: `${locale}:v${target.version}` });
      if (wasQueued) queued += 1;
    }
  }
  return queued;
}

function translationKey(connectionId: string, locale: string): string {
  return `${connectionId}/${locale}`;
}

/** The locale of a translation writeback's key, or null for the source locale's job (keyed by the connection id alone). */
function translationLocale(key: string, connectionId: string): string | null {
  return key.startsWith(`${connectionId}/`) ? key.slice(connectionId.length + 1) : null;
}

/**
 * Writes one locale's approved text to every image of the asset in the store, then records the attempt as a
 * writeback run of its own. A store error maps as for the source text; a busy store is retried with no run
 * recorded (the translation writes again harmlessly); a translation missing in the store is reported, never created.
 */
async function writeTranslation(db: Db, connection: Connection, connector: Connector, access: StoreAccess, assetId: string, locale: string, attempts: number, signal: AbortSignal): Promise<StepOutcome> {
  const write = connector.writeAltTranslation;
  if (!write) return { ok: true };
  const [record] = await rows<{ text: string | null; status: string }>(db, sql`select text, status from alt_texts where asset_id = ${assetId}::uuid and locale = ${locale}`);
  if (!record || record.status !== 'approved' || record.text === null) return { ok: true };
  const text = record.text;
  const remotes = await db.select().from(assetRemotes).where(and(eq(assetRemotes.assetId, assetId), eq(assetRemotes.connectionId, connection.id)));
  const counts = { written: 0, failed: 0 };
  const errors: RunError[] = [];
  let paused: Failed | null = null;
  for (const remote of remotes) {
    if (signal.aborted) return { ok: false, kind: 'claim_lost' };
    if (text.length > connector.limits.maxAltLength) {
      counts.failed += 1;
      errors.push({ remoteId: remote.remoteId, code: 'too_long', message: `The ${locale} text is ${text.length} characters; ${connector.label} keeps at most ${connector.limits.maxAltLength}. Shorten it in Loupe.` });
      continue;
    }
    await takeCallSlot(db, connection.id, connector.limits.requestsPerSecond, signal);
    const written = await write(access, remote.remoteId, locale, text);
    if (written.ok) {
      counts.written += 1;
      continue;
    }
    if (isRetryable(written) && attempts + 1 < WRITEBACK_MAX_ATTEMPTS) {
      await holdBackCalls(db, connection.id, written);
      return retryOutcome(written, attempts);
    }
    counts.failed += 1;
    errors.push({ remoteId: remote.remoteId, code: written.code, message: written.message });
    if (written.code === 'unauthorized') {
      await pauseConnection(db, connection.id, `The store refused Loupe's credentials (${written.message}); replace them to resume.`);
      paused = { ok: false, kind: 'failed', code: 'store_unauthorized', message: written.message };
      break;
    }
  }
  if (!counts.written && !counts.failed) return { ok: true };
  const runId = await newWritebackRun(db, connection.id);
  await recordOnRun(db, runId, counts, errors);
  await endRun(db, runId, paused ? 'paused' : counts.failed > 0 ? 'failed' : 'done');
  await notifyRunEnded(db, runId);
  return paused ?? { ok: true };
}

/** The connection a writeback job is for, its connector and the decrypted access; or what the job does instead. */
export async function openStore(db: Db, connectionId: string | null, signal: AbortSignal): Promise<Either<{ connection: Connection; connector: Connector; access: StoreAccess }, { outcome: StepOutcome }>> {
  const connection = connectionId ? await findConnection(db, connectionId) : null;
  if (!connection) return { ok: false, outcome: { ok: true } };
  // Parked while the connection is paused; resuming it (new credentials, or an admin) makes it due again.
  if (connection.status === 'paused') return { ok: false, outcome: { ok: true, again: null } };
  const connector = connectorOf(connection.kind);
  if (!connector) return { ok: false, outcome: { ok: false, kind: 'failed', code: 'unsupported_store', message: `Loupe has no connector for ${connection.kind} stores in this build.` } };
  const access = await storeAccess(connection, signal);
  if (!access) {
    await pauseConnection(db, connection.id, UNREADABLE_SECRET);
    return { ok: false, outcome: { ok: true, again: null } };
  }
  return { ok: true, connection, connector, access };
}

type RemoteSet = Partial<typeof assetRemotes.$inferInsert>;
type Counts = { written?: number; conflicts?: number; failed?: number };

/** What one waiting remote needs: settling without a call, or the store's current text read first. */
export type WritePlan = { kind: 'settle'; set: RemoteSet; counts?: Counts; errors?: RunError[] } | { kind: 'read'; text: string; restoring: boolean };

/** Before any call: the text to write (Loupe's, or the replaced one for an undo), or why nothing is called. */
export function planWrite(remote: AssetRemote, loupeText: string | null, assetVersion: number, connector: Pick<Connector, 'label' | 'limits'>): WritePlan {
  const restoring = remote.restorePending;
  const text = restoring ? (remote.previousAlt ?? '') : loupeText;
  // Nothing a person stands behind, a conflict waiting for a person, or this version already written: no call.
  if (text === null || (!restoring && (remote.status === 'conflict' || remote.writtenVersion === assetVersion))) {
    return { kind: 'settle', set: remote.status === 'pending' && text !== null ? { status: 'in_sync' } : {} };
  }
  if (text.length > connector.limits.maxAltLength) {
    const message = `The text is ${text.length} characters; ${connector.label} keeps at most ${connector.limits.maxAltLength}. Shorten it in Loupe.`;
    return { kind: 'settle', set: { status: 'failed', error: message, restorePending: false }, counts: { failed: 1 }, errors: [{ remoteId: remote.remoteId, code: 'too_long', message }] };
  }
  return { kind: 'read', text, restoring };
}

/** After reading the store's text: a conflict or nothing to change (settled without a write), or a write. */
export function planAfterRead(remote: AssetRemote, plan: { text: string; restoring: boolean }, storeText: string, assetVersion: number): WritePlan | { kind: 'write' } {
  const baseline = remote.lastSeenAlt ?? '';
  if (storeText !== baseline && storeText !== plan.text) {
    // Edited in the shop since Loupe last saw it: never overwritten; both texts are kept for a person.
    return { kind: 'settle', set: { status: 'conflict', remoteAlt: storeText, restorePending: false, error: null }, counts: { conflicts: 1 } };
  }
  if (storeText === plan.text) {
    const text = plan.text;
    return { kind: 'settle', set: { status: plan.restoring ? 'pending' : 'in_sync', remoteAlt: text, lastSeenAlt: text, writtenVersion: plan.restoring ? null : assetVersion, restorePending: false, error: null } };
  }
  return { kind: 'write' };
}

/**
 * Kept before the call: the text about to be replaced, so a worker killed after the store took the write leaves
 * it for undo (the next run finds the store already holding the text and writes nothing). An undo keeps none.
 */
export function beforeWriteSet(remote: AssetRemote, restoring: boolean, storeText: string): RemoteSet | null {
  return restoring ? null : { previousAlt: storeText, lastRunId: remote.pendingRunId };
}

/** The store took the write and now holds `stored`; `replaced` is the text it held before. */
export function writtenSet(remote: AssetRemote, restoring: boolean, replaced: string | null, stored: string, assetVersion: number | null): RemoteSet {
  return {
    // An undo puts the store's old text back: Loupe's text is then not in the store (pending) until written again.
    status: restoring ? 'pending' : 'in_sync',
    previousAlt: restoring ? null : replaced,
    lastSeenAlt: stored,
    remoteAlt: stored,
    lastWrittenAt: new Date(),
    writtenVersion: restoring ? null : assetVersion,
    restorePending: false,
    lastRunId: restoring ? remote.lastRunId : remote.pendingRunId,
    error: null,
  };
}

export const writebackStep: Step = async ({ db, asset: claimed, job, lease, signal }) => {
  const store = await openStore(db, job.connectionId, signal);
  if (!store.ok) return store.outcome;
  const { connection, connector, access } = store;
  const locale = translationLocale(job.key, connection.id);
  if (locale !== null) return writeTranslation(db, connection, connector, access, claimed.id, locale, job.attempts, signal);
  const [asset] = await db.select().from(assets).where(eq(assets.id, claimed.id));
  if (!asset) return { ok: true };
  const remotes = await db.select().from(assetRemotes).where(and(eq(assetRemotes.assetId, asset.id), eq(assetRemotes.connectionId, connection.id)));
  const loupeText = writableText(asset);
  for (const remote of remotes) {
    if (signal.aborted) return { ok: false, kind: 'claim_lost' };
    const plan = planWrite(remote, loupeText, asset.version, connector);
    if (plan.kind === 'settle') {
      if (!(await settle(db, lease, remote, plan.set, plan.counts, plan.errors))) return { ok: false, kind: 'claim_lost' };
      continue;
    }
    await takeCallSlot(db, connection.id, connector.limits.requestsPerSecond, signal);
    const read = await connector.readAlt(access, remote.remoteId);
    if (!read.ok) {
      const stop = await storeFailure(db, connection, remote, read, job.attempts, lease);
      if (stop) return stop;
      continue;
    }
    const next = planAfterRead(remote, plan, read.altText, asset.version);
    if (next.kind === 'settle') {
      if (!(await settle(db, lease, remote, next.set, next.counts))) return { ok: false, kind: 'claim_lost' };
      continue;
    }
    const kept = beforeWriteSet(remote, plan.restoring, read.altText);
    if (kept && !(await updateRemote(db, lease, remote, kept))) return { ok: false, kind: 'claim_lost' };
    await takeCallSlot(db, connection.id, connector.limits.requestsPerSecond, signal);
    const written = await connector.writeAlt(access, remote.remoteId, plan.text);
    if (!written.ok) {
      const stop = await storeFailure(db, connection, remote, written, job.attempts, lease);
      if (stop) return stop;
      continue;
    }
    if (!(await settle(db, lease, remote, writtenSet(remote, plan.restoring, read.altText, written.altText, asset.version), { written: 1 }))) return { ok: false, kind: 'claim_lost' };
  }
  return { ok: true };
};

/** Assets linked to the connection whose approved text the store does not hold yet, among those matching `where`. */
function notYetWritten(connectionId: string, where: SQL): SQL {
  return sql`${where} and ${writableSql()} and exists (select 1 from asset_remotes r where r.asset_id = ${assets.id} and r.connection_id = ${connectionId}
    and r.status <> 'conflict' and (r.written_version is distinct from ${assets.version}))`;
}

export async function countWritable(db: Queryable, connectionId: string, filter: AssetFilter = {}): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(assets).where(notYetWritten(connectionId, filterSql(filter, 'assets')));
  return row.n;
}

/** Manual mode's "Write N approved texts back" (and the API with a library filter): the matching assets' texts, now. */
export async function requestWriteback(db: Db, connectionId: string, filter: AssetFilter = {}): Promise<Result<{ queued: number }>> {
  const connection = await findConnection(db, connectionId);
  if (!connection) return noSuchConnection();
  if (connection.status === 'paused') return fail('connection_paused', `This connection is paused: ${connection.statusMessage ?? 'resume it first'}.`);
  const ids = (await db.select({ id: assets.id }).from(assets).where(notYetWritten(connectionId, filterSql(filter, 'assets')))).map((row) => row.id);
  // Approved translations of the matching photos, for a store that keeps them: each goes once per version (the
  // job's input hash), so asking again queues only what the store does not hold yet.
  const translated = connectorOf(connection.kind)?.writeAltTranslation
    ? await rows<{ assetId: string; locale: string }>(
        db,
        sql`select distinct t.asset_id as "assetId", t.locale from alt_texts t join assets on assets.id = t.asset_id
          where t.status = 'approved' and t.text is not null and t.locale <> ${sourceLocale()}
            and exists (select 1 from asset_remotes r where r.asset_id = t.asset_id and r.connection_id = ${connectionId})
            and ${filterSql(filter, 'assets')}
          order by 1, 2`,
      )
    : [];
  const queued = await db.transaction(async (tx) => {
    let total = 0;
    for (let start = 0; start < ids.length; start += 1000) total += await enqueueWritebacks(tx, ids.slice(start, start + 1000), { connectionId, force: true });
    total += await enqueueTranslationWritebacks(tx, translated, { modes: WRITEBACK_MODES, connectionId });
    return total;
  });
  return { ok: true, queued };
}

/** The nightly cron, for connections in nightly mode. */
export async function enqueueNightlyWritebacks(db: Db): Promise<number> {
  const ids = (await rows<{ id: string }>(db, sql`select id from connections where status = 'active' and writeback_mode = 'nightly'`)).map((row) => row.id);
  let queued = 0;
  for (const id of ids) {
    const outcome = await requestWriteback(db, id);
    if (outcome.ok) queued += outcome.queued;
  }
  return queued;
}

/**
 * Undo: puts back in the store the text each write of the run replaced (or only these remotes'), through the
 * same writeback job. The store's current text is checked first, as for any write: a text edited in the shop
 * since is not overwritten.
 */
export async function undoRun(db: Db, connectionId: string, runId: string, remoteIds?: readonly string[]): Promise<Result<{ queued: number }>> {
  const [run] = await db.select().from(connectionRuns).where(and(eq(connectionRuns.id, runId), eq(connectionRuns.connectionId, connectionId)));
  if (!run) return fail('not_found', 'No such run for this connection.');
  if (run.kind !== 'writeback') return fail('conflict', 'Only a writeback run can be undone; a sync changes nothing in the store.');
  return db.transaction(async (tx) => {
    const remotes = await tx
      .select()
      .from(assetRemotes)
      .where(
        and(
          eq(assetRemotes.connectionId, connectionId),
          eq(assetRemotes.lastRunId, runId),
          sql`${assetRemotes.previousAlt} is not null`,
          remoteIds ? inArray(assetRemotes.remoteId, [...remoteIds]) : undefined,
        ),
      );
    if (!remotes.length) return fail('conflict', 'Nothing of this run is left to undo.');
    const undoRunId = await newWritebackRun(tx, connectionId);
    await tx
      .update(assetRemotes)
      .set({ restorePending: true, pendingRunId: undoRunId, updatedAt: sql`now()` })
      .where(and(eq(assetRemotes.connectionId, connectionId), inArray(assetRemotes.remoteId, remotes.map((remote) => remote.remoteId))));
    const [connection] = await tx.select({ kind: connections.kind }).from(connections).where(eq(connections.id, connectionId));
    if (writesInBatches(connectorOf(connection.kind))) {
      await enqueueStoreWrites(tx, connectionId, JOB_PRIORITY.interactive);
      return { ok: true, queued: remotes.length };
    }
    const assetIds = [...new Set(remotes.map((remote) => remote.assetId))];
    for (const assetId of assetIds) {
      const [asset] = await tx.select({ version: assets.version }).from(assets).where(eq(assets.id, assetId));
      await enqueueJob(tx, { assetId, connectionId, kind: 'writeback', key: connectionId, priority: JOB_PRIORITY.interactive, inputHash: `undo:${undoRunId}:v${asset?.version ?? 0}`, force: true });
    }
    return { ok: true, queued: remotes.length };
  });
}
