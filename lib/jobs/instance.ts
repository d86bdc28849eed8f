import os from 'node:os';
import { lt, ne, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Db, DbHandle } from '@/db/handle';
import { instances } from '@/db/schema';
import { describeForLog } from '@/lib/errors';
import { config } from '@/lib/config';

/**
 * Which process holds a claim. Every process that claims jobs (a server, a CLI run) joins as an instance: a row
 * with a heartbeat, beaten four times per JOBS_INSTANCE_STALE_SECONDS. Its claims record it (jobs.claimed_by),
 * and a job whose holder has been silent that long is claimable at once (queue.ts): a killed server's work
 * waits seconds, not the rest of its leases. The database's clock judges every heartbeat, so instances on
 * machines whose clocks disagree still agree on who is alive.
 */

interface Membership {
  id: string;
  db: Db;
  heartbeat: NodeJS.Timeout;
}

/** Rows of instances silent this long are removed when another joins (their jobs were free long before). */
const FORGET_AFTER_HOURS = 24;

const globalForInstance = globalThis as unknown as { loupeInstance?: Membership };

/**
 * Joins this process as an instance (once; a second call returns the same id) and starts its heartbeat. On the
 * embedded database every other instance is a predecessor that is gone (PGlite is one process at a time, see
 * db/client.ts), so its claims are freed at once rather than after the staleness window.
 */
export async function joinAsInstance(handle: DbHandle, role: string): Promise<string> {
  const joined = globalForInstance.loupeInstance;
  if (joined) return joined.id;
  const { db } = handle;
  const [row] = await db.insert(instances).values({ role, host: os.hostname(), pid: process.pid }).returning({ id: instances.id });
  const gone = handle.driver === 'pglite' ? ne(instances.id, row.id) : lt(instances.heartbeatAt, sql`now() - make_interval(hours => ${FORGET_AFTER_HOURS})`);
  await db.delete(instances).where(gone);
  const heartbeat = setInterval(() => {
    // A missed beat is not fatal: the instance is taken for dead only after several.
    beat(db, row.id).catch((error: unknown) => console.warn(`[loupe] the instance heartbeat failed: ${describeForLog(error)}`));
  }, (config().jobs.instanceStaleSeconds * 1000) / 4);
  // The heartbeat alone never keeps a CLI from exiting.
  heartbeat.unref();
  globalForInstance.loupeInstance = { id: row.id, db, heartbeat };
  return row.id;
}

/** The instance this process joined as, or null: claims then carry no holder and only their lease frees them. */
export function currentInstanceId(): string | null {
  return globalForInstance.loupeInstance?.id ?? null;
}

/** Stops the heartbeat and removes the row, so the claims still held (work cut short by a shutdown) are free at once. */
export async function leaveInstance(): Promise<void> {
  const joined = globalForInstance.loupeInstance;
  if (!joined) return;
  clearInterval(joined.heartbeat);
  globalForInstance.loupeInstance = undefined;
  await joined.db.delete(instances).where(sql`${instances.id} = ${joined.id}`);
}

/** One beat. Upserts: a row removed while this process was frozen comes back, and its new claims count as held again. */
async function beat(db: Db, id: string): Promise<void> {
  await db
    .insert(instances)
    .values({ id, role: 'rejoined', host: os.hostname(), pid: process.pid })
    .onConflictDoUpdate({ target: instances.id, set: { heartbeatAt: sql`now()` } });
}

/** True while the instance `holder` names is alive: its row exists and beat within JOBS_INSTANCE_STALE_SECONDS (the database's clock). */
export function instanceAlive(holder: AnyPgColumn): SQL {
  return sql`exists (select 1 from ${instances} i where i.id = ${holder} and i.heartbeat_at > now() - make_interval(secs => ${config().jobs.instanceStaleSeconds}))`;
}
