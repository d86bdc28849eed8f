import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openPostgres, rows, useDbForTests, type DbHandle } from '@/db/client';
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
 * child process (test/connection-jobs-process.ts) on PostgreSQL (PGlite is one process at a time), which is
 * killed with SIGKILL once it is visibly mid-run, then run again to the end. Every item arrives in Loupe once,
 * every text reaches WordPress, and WordPress completes no edit twice (its write counter, a must-use plugin).
 */

const MEDIA = 200;
const onPostgres = process.env.LOUPE_TEST_DRIVER === 'postgres';

describe.skipIf(!onPostgres || !wordpressAvailable())('kill -9 mid-run, against a real WordPress', () => {
  let site: WordPressSite;
  let scratch: ScratchDatabase;
  let handle: DbHandle;
  let dataDir: string;
  let connection: ConnectionView;
  let mediaIds: number[];
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    allowPrivateStores(true);
    scratch = await createScratchDatabase(testDatabaseUrl(), 'loupe_test', templateDatabaseName());
    handle = await openPostgres(scratch.url, { max: 3 });
    // The credentials are sealed under this database's signing secret, which the worker process reads too.
    useDbForTests(handle);
    forgetSigningSecret();
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'loupe-kill-connections-'));
    site = await startWordPress({ workers: 4 });
    countWrites(site);
    mediaIds = await site.seedBulkMedia(MEDIA);
    const created = await createConnection(handle.db, null, { kind: 'wordpress', name: 'Bulk shop', url: site.url, username: site.username, applicationPassword: site.applicationPassword, writebackMode: 'on_approval' });
    if (!created.ok) throw new Error(created.message);
    connection = created.connection;
  }, 240_000);

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await site?.stop();
    await handle?.close();
    await scratch?.drop();
    if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
    delete process.env.CONNECTIONS_ALLOW_PRIVATE;
    resetConfig();
  });

  /** The worker process; node itself (tsx as a loader), so SIGKILL hits the process that holds the claims. */
  function worker(kind: 'sync' | 'writeback'): ChildProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/connection-jobs-process.ts', kind], {
      env: { ...process.env, DATABASE_URL: scratch.url, DATA_DIR: dataDir, S3_BUCKET: '', CONNECTIONS_ALLOW_PRIVATE: 'true', JOBS_INSTANCE_STALE_SECONDS: '1', LOUPE_TEST_PACE: '40' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    return child;
  }

  async function runToTheEnd(kind: 'sync' | 'writeback'): Promise<void> {
    const child = worker(kind);
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect([code, out.trim()]).toEqual([0, 'drained']);
  }

  async function killWhen(kind: 'sync' | 'writeback', midRun: () => Promise<boolean>): Promise<void> {
    const child = worker(kind);
    await vi.waitFor(async () => expect(await midRun()).toBe(true), { timeout: 120_000, interval: 25 });
    child.kill('SIGKILL');
    await once(child, 'exit');
  }

  const one = async <T>(query: ReturnType<typeof sql>) => (await rows<T>(handle.db, query))[0];

  it(`a sync of ${MEDIA} items killed mid-page resumes: every item once in Loupe, nothing lost`, async () => {
    expect((await requestSync(handle.db, connection.id)).ok).toBe(true);
    // Mid-run: the first page committed (the cursor moved) and photos of the second page already stored.
    await killWhen('sync', async () => {
      const state = await one<{ cursor: string | null; stored: number }>(sql`select (select sync_cursor from connections where id = ${connection.id}) as cursor, (select count(*)::int from assets) as stored`);
      return state.cursor !== null && state.stored > 110;
    });
    const killed = await one<{ cursor: string | null; links: number }>(sql`select (select sync_cursor from connections where id = ${connection.id}) as cursor, (select count(*)::int from asset_remotes) as links`);
    expect(killed.cursor).not.toBeNull();
    expect(killed.links).toBeLessThan(MEDIA);

    await runToTheEnd('sync');
    const links = await one<{ links: number; remotes: number; assets: number; linked_assets: number; hashes: number }>(sql`
      select (select count(*)::int from asset_remotes where connection_id = ${connection.id}) as links,
             (select count(distinct remote_id)::int from asset_remotes where connection_id = ${connection.id}) as remotes,
             (select count(*)::int from assets where state not in ('awaiting_upload', 'failed_upload') and deleted_at is null) as assets,
             (select count(distinct asset_id)::int from asset_remotes) as linked_assets,
             (select count(distinct sha256)::int from assets) as hashes`);
    expect(links).toEqual({ links: MEDIA, remotes: MEDIA, assets: MEDIA, linked_assets: MEDIA, hashes: MEDIA });
    // A photo whose ingest the kill cut short is an upload never completed (not in the library), redone by the
    // rerun; the abandoned-uploads sweep removes its row once its upload window has long passed (moved back here).
    const unfinished = await rows<{ state: string }>(handle.db, sql`select state from assets where state in ('awaiting_upload', 'failed_upload')`);
    expect(unfinished.every((row) => row.state === 'awaiting_upload')).toBe(true);
    await handle.db.execute(sql`update assets set upload_expires_at = now() - interval '2 hours', claimed_until = null where state = 'awaiting_upload'`);
    expect(await removeAbandonedUploads(handle.db)).toBe(unfinished.length);
    expect((await one<{ n: number }>(sql`select count(*)::int as n from assets`)).n).toBe(MEDIA);
    const remoteIds = (await rows<{ remote_id: string }>(handle.db, sql`select remote_id from asset_remotes order by remote_id::int`)).map((row) => Number(row.remote_id));
    expect(remoteIds).toEqual([...mediaIds].sort((a, b) => a - b));
    const run = await one<{ outcome: string; seen: number; created: number; linked: number; failed: number }>(sql`select outcome, seen, created, linked, failed from connection_runs where kind = 'sync'`);
    expect(run).toMatchObject({ outcome: 'done', seen: MEDIA, failed: 0 });
    expect(run.created + run.linked).toBe(MEDIA);
  }, 300_000);

  it(`a writeback of ${MEDIA} approved texts killed mid-run: every text in WordPress, none written twice`, async () => {
    const person = await makeAccount(handle.db, 'editor');
    const assetRows = await rows<{ id: string; version: number; remote_id: string }>(handle.db, sql`select a.id, a.version, r.remote_id from assets a join asset_remotes r on r.asset_id = a.id`);
    const textOf = (remoteId: string | number) => `Product photo ${remoteId}, approved in Loupe`;
    const { valid } = checkItems('edit', assetRows.map((row) => ({ id: row.id, version: row.version, text: textOf(row.remote_id) })));
    const { results } = await decide(handle.db, 'edit', valid, { userId: person.id, name: 'Test editor', kind: 'person' });
    expect(results.filter((result) => result.outcome === 'done')).toHaveLength(MEDIA);
    // The decisions' alt_text events queued the writebacks (lib/events' outbox, writebackSubscriber).
    expect((await one<{ n: number }>(sql`select count(*)::int as n from jobs where kind = 'writeback' and status = 'pending'`)).n).toBe(MEDIA);

    await killWhen('writeback', async () => writesOf(site).length >= MEDIA / 4);
    expect(writesOf(site).length).toBeLessThan(MEDIA);

    await runToTheEnd('writeback');
    const alts = await altsOf(site);
    expect(mediaIds.filter((id) => alts.get(id) !== textOf(id))).toEqual([]);
    const writes = writesOf(site);
    expect(writes.length).toBe(MEDIA);
    expect([...writes].sort((a, b) => a - b)).toEqual([...mediaIds].sort((a, b) => a - b));
    const remotes = await one<{ in_sync: number; pending_runs: number }>(sql`
      select count(*) filter (where status = 'in_sync')::int as in_sync, count(pending_run_id)::int as pending_runs from asset_remotes`);
    expect(remotes).toEqual({ in_sync: MEDIA, pending_runs: 0 });
  }, 300_000);
});
