import { eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { assetRemotes, connections, jobs, type AssetRemote } from '@/db/schema';
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

/** Runs the due sync and writeback jobs (retries made due now when `includeRetries`). */
export async function runConnectionJobs(db: Db, kind: 'sync' | 'writeback', includeRetries = false): Promise<RunSummary> {
  if (includeRetries) await db.update(jobs).set({ nextAttemptAt: sql`now()` }).where(sql`${jobs.kind} = ${kind} and ${jobs.status} = 'pending'`);
  return runDueJobs(db, { kinds: [kind], concurrency: 1 });
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
