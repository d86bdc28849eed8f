import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { GET as runsRoute } from '@/app/api/connections/[id]/runs/route';
import { POST as syncRoute } from '@/app/api/connections/[id]/sync/route';
import type { Db } from '@/db/client';
import { assetRemotes, assets, connections, jobs, type Asset, type AssetRemote, type JobKind } from '@/db/schema';
import { createConnection, type ConnectionView, type RunView } from '@/lib/connections';
import { checkItems, decide } from '@/lib/review';
import { call, type TestAccount } from '@/test/auth';
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

/**
 * What the connection tests do as a person would, for one connection: find the photo of a store image, write
 * texts in the review queue (one decision; its events queue the writeback), read the run log and sync through
 * the routes. `context` is read at each call (the test's database, admin and connection exist by then).
 */
export function connectionSteps(context: () => { db: Db; admin: TestAccount; connectionId: string }) {
  async function assetOf(remoteId: string | number): Promise<Asset> {
    const { db } = context();
    const [asset] = await db.select().from(assets).where(eq(assets.id, (await remoteOf(db, String(remoteId))).assetId));
    return asset;
  }

  /** A person edits these texts (store image → text) in the review queue, in one decision: approved as they stand. */
  async function writeAllInReview(texts: ReadonlyMap<string | number, string>): Promise<void> {
    const { db, admin } = context();
    const items = await Promise.all(
      [...texts].map(async ([remoteId, text]) => {
        const asset = await assetOf(remoteId);
        return { id: asset.id, version: asset.version, text };
      }),
    );
    const { valid, invalid } = checkItems('edit', items);
    expect(invalid).toEqual([]);
    const { results } = await decide(db, 'edit', valid, { userId: admin.id, name: 'Test admin', kind: 'person' });
    expect(results.map((result) => result.outcome)).toEqual(items.map(() => 'done'));
  }

  /** One text written in the review queue; the photo as it is afterwards. */
  async function writeInReview(remoteId: string | number, text: string): Promise<Asset> {
    await writeAllInReview(new Map([[remoteId, text]]));
    return assetOf(remoteId);
  }

  async function runs(): Promise<RunView[]> {
    const { admin, connectionId } = context();
    return ((await (await call(runsRoute, { cookie: admin.cookie, params: { id: connectionId } })).json()) as { runs: RunView[] }).runs;
  }

  /** "Sync now" through the route, the sync job run to the end; its run as the log shows it. */
  async function sync(): Promise<RunView> {
    const { db, admin, connectionId } = context();
    const response = await call(syncRoute, { method: 'POST', cookie: admin.cookie, params: { id: connectionId } });
    expect(response.status).toBe(202);
    const { run } = (await response.json()) as { run: RunView };
    await runConnectionJobs(db, 'sync');
    return (await runs()).find((entry) => entry.id === run.id)!;
  }

  return { assetOf, writeInReview, writeAllInReview, runs, sync };
}
