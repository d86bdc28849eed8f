import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { assetRemotes, connections, jobs, type AssetRemote, type JobKind } from '@/db/schema';
import { createConnection, type ConnectionView } from '@/lib/connections';
import { resetConfig } from '@/lib/config';
import { runDueJobs, type RunSummary } from '@/lib/jobs';
import { fakeStore, type FakeStore } from '@/test/fake-connector';
import { testJpeg } from '@/test/ingest';

/** Test support for the connection tests: a connected fake store, and running its jobs now. */

export function allowPrivateStores(allowed: boolean): void {
  process.env.CONNECTIONS_ALLOW_PRIVATE = allowed ? 'true' : 'false';
  resetConfig();
}

export async function connectStore(db: Db, store: FakeStore, overrides: Partial<{ name: string; writebackMode: 'on_approval' | 'manual' | 'nightly' }> = {}): Promise<ConnectionView> {
  const created = await createConnection(db, null, { kind: 'wordpress', name: overrides.name ?? 'Main shop', url: 'https://shop.example.com', username: 'shop-admin', applicationPassword: store.password, writebackMode: overrides.writebackMode ?? 'on_approval' });
  if (!created.ok) throw new Error(created.message);
  return created.connection;
}

/** A small distinct JPEG per seed. */
export function photo(seed: number): Promise<Buffer> {
  return testJpeg(seed, 48, 32);
}

/** The job kinds of a sync, and of a writeback: one job per photo, or one per store that writes in batches. */
export const CONNECTION_JOB_KINDS = { sync: ['sync'], writeback: ['writeback', 'store_writes'] } as const satisfies Record<string, readonly JobKind[]>;

/**
 * Runs the due sync or writeback jobs. `includeRetries`: retries, and a bulk operation's next poll, are made due
 * now first (a test moves time on rather than waiting).
 */
export async function runConnectionJobs(db: Db, kind: keyof typeof CONNECTION_JOB_KINDS, includeRetries = false): Promise<RunSummary> {
  const kinds = CONNECTION_JOB_KINDS[kind];
  if (includeRetries) await db.update(jobs).set({ nextAttemptAt: sql`now()` }).where(and(inArray(jobs.kind, [...kinds]), inArray(jobs.status, ['pending', 'waiting']), isNotNull(jobs.nextAttemptAt)));
  return runDueJobs(db, { kinds: [...kinds], concurrency: 1 });
}

/** Writeback jobs still to run (due now or later): not parked, not done, not failed for good. */
export async function writebacksLeft(db: Db): Promise<number> {
  const left = await db.select({ id: jobs.id }).from(jobs).where(and(inArray(jobs.kind, [...CONNECTION_JOB_KINDS.writeback]), inArray(jobs.status, ['pending', 'waiting']), isNotNull(jobs.nextAttemptAt)));
  return left.length;
}

export async function remoteOf(db: Db, remoteId: string): Promise<AssetRemote> {
  const [row] = await db.select().from(assetRemotes).where(eq(assetRemotes.remoteId, remoteId));
  return row;
}

export async function connectionRow(db: Db, id: string) {
  const [row] = await db.select().from(connections).where(eq(connections.id, id));
  return row;
}

export { fakeStore, type FakeStore };
