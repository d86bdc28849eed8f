import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openPglite, openPostgres, rows, useDbForTests, type Db } from '@/db/client';
import { migrate } from '@/db/migrate';
import { forgetSigningSecret } from '@/lib/auth';
import { resetConfig } from '@/lib/config';
import { removeAbandonedUploads } from '@/lib/ingest';
import { checkItems, decide } from '@/lib/review';
import { makeAccount } from '@/test/auth';
import { allowPrivateStores } from '@/test/connections';
import { createScratchDatabase, templateDatabaseName, testDatabaseUrl, type ScratchDatabase } from '@/test/pg-template';
import { startWordPress, wordpressAvailable, type WordPressSite } from '@/test/wordpress';
import { altsOf, countWrites, writesOf } from '@/test/wordpress-loupe';
import { createConnection, requestSync, type ConnectionView } from './index';

/**
 * kill -9 during a sync and during a writeback, against a real WordPress with 200 media items: the jobs run in a
 * child process (test/connection-jobs-process.ts), which is killed with SIGKILL once it is visibly mid-run, then
 * run again to the end. Every item arrives in Loupe once, every text reaches WordPress, and WordPress completes
 * no edit twice (its write counter, a must-use plugin).
 *
 * On PostgreSQL the test reads the database while the child works. PGlite is one process at a time (db/client.ts
 * locks the data folder), so there the child opens the data folder as the app does (DATA_DIR) and the test opens
 * it only while no child is alive: before, between the killed run and the rerun (what the kill left committed),
 * and after. The child's own reports on stdout say when it is mid-run.
 */

const MEDIA = 200;
const onPostgres = process.env.LOUPE_TEST_DRIVER === 'postgres';

/** The database the test and its child share: how the child reaches it, and a way for the test to use it. */
interface SharedDatabase {
  childEnv: Record<string, string>;
  /** Runs `work` on the database (on PGlite: opens the folder, which no child may hold then, and closes it after). */
  use<T>(work: (db: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

async function sharedPostgres(): Promise<SharedDatabase> {
  const scratch: ScratchDatabase = await createScratchDatabase(testDatabaseUrl(), 'loupe_test', templateDatabaseName());
  const handle = await openPostgres(scratch.url, { max: 3 });
  // The credentials are sealed under this database's signing secret, which the worker process reads too.
  useDbForTests(handle);
  forgetSigningSecret();
  return {
    // A killed worker's claims are free once it has been silent a second.
    childEnv: { DATABASE_URL: scratch.url, JOBS_INSTANCE_STALE_SECONDS: '1' },
    use: (work) => work(handle.db),
    close: async () => {
      await handle.close();
      await scratch.drop();
    },
  };
}

/** PGlite in `dataDir`/pglite, where the app (and so the child, DATABASE_URL empty) keeps it. */
function sharedPglite(dataDir: string): SharedDatabase {
  const folder = path.join(dataDir, 'pglite');
  return {
    // No heartbeat goes stale and no lease runs out within the test: only a starting process freeing its dead
    // predecessor's claims at once (lib/jobs/instance.ts, on PGlite) lets the rerun take over the killed run's jobs.
    childEnv: { DATABASE_URL: '', JOBS_INSTANCE_STALE_SECONDS: '3600', JOBS_LEASE_SECONDS: '3600' },
    use: async (work) => {
      // openPglite refuses while another live process holds the folder: this proves no child does.
      const handle = await openPglite(folder);
      try {
        await migrate(handle);
        // The signing secret lives in the folder: the test seals credentials under the one the child reads.
        useDbForTests(handle);
        forgetSigningSecret();
        return await work(handle.db);
      } finally {
        await handle.close();
      }
    },
    close: async () => {},
  };
}

interface Progress {
  cursor: string | null;
  stored: number;
  links: number;
}

describe.skipIf(!wordpressAvailable())(`kill -9 mid-run, against a real WordPress (${onPostgres ? 'PostgreSQL' : 'PGlite in a data folder'})`, () => {
  let site: WordPressSite;
  let database: SharedDatabase;
  let dataDir: string;
  let connection: ConnectionView;
  let mediaIds: number[];
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    allowPrivateStores(true);
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'loupe-kill-connections-'));
    database = onPostgres ? await sharedPostgres() : sharedPglite(dataDir);
    site = await startWordPress({ workers: 4 });
    countWrites(site);
    mediaIds = await site.seedBulkMedia(MEDIA);
    connection = await database.use(async (db) => {
      const created = await createConnection(db, null, { kind: 'wordpress', name: 'Bulk shop', url: site.url, username: site.username, applicationPassword: site.applicationPassword, writebackMode: 'on_approval' });
      if (!created.ok) throw new Error(created.message);
      return created.connection;
    });
  }, 240_000);

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await site?.stop();
    await database?.close();
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
    delete process.env.CONNECTIONS_ALLOW_PRIVATE;
    resetConfig();
  });

  /** The worker process; node itself (tsx as a loader), so SIGKILL hits the process that holds the claims (and the folder). */
  function worker(kind: 'sync' | 'writeback'): { child: ChildProcess; progress: () => Progress | null; lines: () => string[] } {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/connection-jobs-process.ts', kind], {
      env: { ...process.env, ...database.childEnv, DATA_DIR: dataDir, S3_BUCKET: '', CONNECTIONS_ALLOW_PRIVATE: 'true', LOUPE_TEST_PACE: '40' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    // Whole lines only: the last piece may be a line still being written.
    const lines = () => out.split('\n').slice(0, -1);
    const progress = () => {
      const last = lines().filter((line) => line.startsWith('progress ')).at(-1);
      return last ? (JSON.parse(last.slice('progress '.length)) as Progress) : null;
    };
    return { child, progress, lines };
  }

  async function runToTheEnd(kind: 'sync' | 'writeback'): Promise<void> {
    const { child, lines } = worker(kind);
    const [code] = (await once(child, 'exit')) as [number | null];
    expect([code, lines().at(-1)]).toEqual([0, 'drained']);
  }

  async function killWhen(kind: 'sync' | 'writeback', midRun: (progress: Progress | null) => boolean): Promise<void> {
    const { child, progress } = worker(kind);
    await vi.waitFor(() => expect(midRun(progress())).toBe(true), { timeout: 120_000, interval: 25 });
    child.kill('SIGKILL');
    // Once 'exit' fired the child is reaped: its pid in the folder's lock names no live process.
    await once(child, 'exit');
  }

  const one = async <T>(db: Db, query: ReturnType<typeof sql>) => (await rows<T>(db, query))[0];

  it(`a sync of ${MEDIA} items killed mid-page resumes: every item once in Loupe, nothing lost`, async () => {
    expect((await database.use((db) => requestSync(db, connection.id))).ok).toBe(true);
    // Mid-run: the first page committed (the cursor moved) and photos of the second page already stored.
    await killWhen('sync', (progress) => progress !== null && progress.cursor !== null && progress.stored > 110);
    // What the kill left committed, read once the child is gone (on PGlite: the folder, recovered after kill -9).
    const killed = await database.use((db) => one<Progress>(db, sql`select (select sync_cursor from connections where id = ${connection.id}) as cursor, (select count(*)::int from assets) as stored, (select count(*)::int from asset_remotes) as links`));
    expect(killed.cursor).not.toBeNull();
    expect(killed.stored).toBeGreaterThan(110);
    expect(killed.links).toBeLessThan(MEDIA);

    await runToTheEnd('sync');
    await database.use(async (db) => {
      const links = await one<{ links: number; remotes: number; assets: number; linked_assets: number; hashes: number }>(db, sql`
        select (select count(*)::int from asset_remotes where connection_id = ${connection.id}) as links,
               (select count(distinct remote_id)::int from asset_remotes where connection_id = ${connection.id}) as remotes,
               (select count(*)::int from assets where state not in ('awaiting_upload', 'failed_upload') and deleted_at is null) as assets,
               (select count(distinct asset_id)::int from asset_remotes) as linked_assets,
               (select count(distinct sha256)::int from assets) as hashes`);
      expect(links).toEqual({ links: MEDIA, remotes: MEDIA, assets: MEDIA, linked_assets: MEDIA, hashes: MEDIA });
      // A photo whose ingest the kill cut short is an upload never completed (not in the library), redone by the
      // rerun; the abandoned-uploads sweep removes its row once its upload window has long passed (moved back here).
      const unfinished = await rows<{ state: string }>(db, sql`select state from assets where state in ('awaiting_upload', 'failed_upload')`);
      expect(unfinished.every((row) => row.state === 'awaiting_upload')).toBe(true);
      await db.execute(sql`update assets set upload_expires_at = now() - interval '2 hours', claimed_until = null where state = 'awaiting_upload'`);
      expect(await removeAbandonedUploads(db)).toBe(unfinished.length);
      expect((await one<{ n: number }>(db, sql`select count(*)::int as n from assets`)).n).toBe(MEDIA);
      const remoteIds = (await rows<{ remote_id: string }>(db, sql`select remote_id from asset_remotes order by remote_id::int`)).map((row) => Number(row.remote_id));
      expect(remoteIds).toEqual([...mediaIds].sort((a, b) => a - b));
      const run = await one<{ outcome: string; seen: number; created: number; linked: number; failed: number }>(db, sql`select outcome, seen, created, linked, failed from connection_runs where kind = 'sync'`);
      expect(run).toMatchObject({ outcome: 'done', seen: MEDIA, failed: 0 });
      expect(run.created + run.linked).toBe(MEDIA);
    });
  }, 300_000);

  it(`a writeback of ${MEDIA} approved texts killed mid-run: every text in WordPress, none written twice`, async () => {
    const textOf = (remoteId: string | number) => `Product photo ${remoteId}, approved in Loupe`;
    await database.use(async (db) => {
      const person = await makeAccount(db, 'editor');
      const assetRows = await rows<{ id: string; version: number; remote_id: string }>(db, sql`select a.id, a.version, r.remote_id from assets a join asset_remotes r on r.asset_id = a.id`);
      const { valid } = checkItems('edit', assetRows.map((row) => ({ id: row.id, version: row.version, text: textOf(row.remote_id) })));
      const { results } = await decide(db, 'edit', valid, { userId: person.id, name: 'Test editor', kind: 'person' });
      expect(results.filter((result) => result.outcome === 'done')).toHaveLength(MEDIA);
      // The decisions' alt_text events queued the writebacks (lib/events' outbox, writebackSubscriber).
      expect((await one<{ n: number }>(db, sql`select count(*)::int as n from jobs where kind = 'writeback' and status = 'pending'`)).n).toBe(MEDIA);
    });

    await killWhen('writeback', () => writesOf(site).length >= MEDIA / 4);
    expect(writesOf(site).length).toBeLessThan(MEDIA);

    await runToTheEnd('writeback');
    const alts = await altsOf(site);
    expect(mediaIds.filter((id) => alts.get(id) !== textOf(id))).toEqual([]);
    const writes = writesOf(site);
    expect(writes.length).toBe(MEDIA);
    expect([...writes].sort((a, b) => a - b)).toEqual([...mediaIds].sort((a, b) => a - b));
    const remotes = await database.use((db) => one<{ in_sync: number; pending_runs: number }>(db, sql`
      select count(*) filter (where status = 'in_sync')::int as in_sync, count(pending_run_id)::int as pending_runs from asset_remotes`));
    expect(remotes).toEqual({ in_sync: MEDIA, pending_runs: 0 });
  }, 300_000);
});
