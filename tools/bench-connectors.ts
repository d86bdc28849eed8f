import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { openPglite, openPostgres, rows, useDbForTests, type DbHandle } from '@/db/client';
import { migrate } from '@/db/migrate';
import { resetConfig } from '@/lib/config';
import { callSlotStats, createConnection, requestSync, useConnectorForTests } from '@/lib/connections';
import { WORDPRESS_LIMITS, wordpressPaceStats } from '@/lib/connectors';
import { runDueJobs } from '@/lib/jobs';
import { checkItems, decide } from '@/lib/review';
import { LocalStorage, useStorageForTests } from '@/lib/storage';
import { startWordPress } from '@/test/wordpress';
import { createScratchDatabase, type ScratchDatabase } from '@/test/pg-template';
import { pacedWordPress } from '@/test/wordpress-loupe';
import { benchDrupal } from '@/tools/bench/connectors-drupal';

/**
 * npm run bench:connectors: against a real WordPress (test/wordpress.ts: Debian's package, php -S with
 * PHP_WORKERS workers, MariaDB) holding MEDIA media items with unique bytes each:
 *   1. a plain sequential loop: list the media with fetch(), then fetch each source_url, hash it, write a file;
 *   2. Loupe's real sync job (PGlite in memory, or a scratch PostgreSQL database on BENCH_DATABASE_URL's server;
 *      local storage in a temp dir): the same items, paged, fetched with
 *      the connector's bounded parallelism, stored through the ingest path, linked; the ratio of the two;
 *   3. MEDIA writebacks of approved texts through the real writeback job: calls/s and the share of time spent
 *      waiting on pacing (Loupe's per-connection call schedule and the connector's own pacer).
 * WordPress's default ceiling (4 calls at once, 8 a second) is a public shop's courtesy and caps any client at
 * 8 images/s; the bench raises the connection's pace (BENCH_CONCURRENCY, BENCH_RPS, BENCH_WRITEBACK_RPS).
 * php -S serves a file in a few milliseconds, far quicker than a shop across a network: BENCH_LATENCY_MS adds
 * that much to every file download (test/wordpress-php/router.php), for both loops alike.
 * Then the same three measures against Drupal's JSON:API (tools/bench/connectors-drupal.ts, the in-process fake).
 */
const MEDIA = Number(process.env.BENCH_MEDIA ?? 1000);
const PHP_WORKERS = Number(process.env.BENCH_PHP_WORKERS ?? 8);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const RPS = Number(process.env.BENCH_RPS ?? 1000);
const WRITEBACK_RPS = Number(process.env.BENCH_WRITEBACK_RPS ?? 100);
const WRITEBACK_JOBS = Number(process.env.BENCH_WRITEBACK_JOBS ?? 4);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 0);

const seconds = (ms: number) => ms / 1000;

async function main(): Promise<void> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'loupe-bench-connectors-'));
  process.env.CONNECTIONS_ALLOW_PRIVATE = 'true';
  resetConfig();
  // PGlite runs inside this process, on its one thread: every statement of the sync competes with its downloads.
  const scratch: ScratchDatabase | null = process.env.BENCH_DATABASE_URL ? await createScratchDatabase(process.env.BENCH_DATABASE_URL, 'loupe_bench_connectors') : null;
  const handle: DbHandle = scratch ? await openPostgres(scratch.url) : await openPglite();
  await migrate(handle);
  useDbForTests(handle);
  useStorageForTests(new LocalStorage(path.join(dataDir, 'storage')));
  const { db } = handle;
  // php -S inherits this process's environment: router.php reads it.
  if (LATENCY_MS > 0) process.env.LOUPE_TEST_LATENCY_MS = String(LATENCY_MS);
  const site = await startWordPress({ workers: PHP_WORKERS });
  try {
    const seedStarted = Date.now();
    const ids = await site.seedBulkMedia(MEDIA);
    console.log(`bench:connectors: ${ids.length} media items seeded in ${seconds(Date.now() - seedStarted).toFixed(1)} s; php -S with ${PHP_WORKERS} workers; ${os.cpus().length} CPUs; Loupe on ${scratch ? 'PostgreSQL' : 'PGlite'}; ${LATENCY_MS} ms added to each file download`);

    // 1. The plain loop.
    const auth = `Basic ${Buffer.from(`${site.username}:${site.applicationPassword}`).toString('base64')}`;
    const plainDir = path.join(dataDir, 'plain');
    await fs.mkdir(plainDir);
    const plainStarted = Date.now();
    const sources: { id: number; url: string }[] = [];
    for (let page = 1; ; page++) {
      const answer = await fetch(`${site.url}/?rest_route=/wp/v2/media&per_page=100&page=${page}&orderby=id&order=asc&_fields=id,source_url`, { headers: { authorization: auth } });
      const items = (await answer.json()) as { id: number; source_url: string }[];
      sources.push(...items.map((item) => ({ id: item.id, url: item.source_url })));
      if (page >= Number(answer.headers.get('x-wp-totalpages') ?? 1)) break;
    }
    const plainHashes = new Set<string>();
    for (const source of sources) {
      const bytes = Buffer.from(await (await fetch(source.url)).arrayBuffer());
      plainHashes.add(createHash('sha256').update(bytes).digest('hex'));
      await fs.writeFile(path.join(plainDir, String(source.id)), bytes);
    }
    const plainMs = Date.now() - plainStarted;
    if (plainHashes.size !== MEDIA) throw new Error(`the plain loop stored ${plainHashes.size} distinct files, not ${MEDIA}`);

    // 2. Loupe's sync job.
    useConnectorForTests(pacedWordPress({ concurrency: CONCURRENCY, requestsPerSecond: RPS }));
    const created = await createConnection(db, null, { kind: 'wordpress', name: 'Bench shop', url: site.url, username: site.username, applicationPassword: site.applicationPassword, writebackMode: 'on_approval' });
    if (!created.ok) throw new Error(created.message);
    const connectionId = created.connection.id;
    const requested = await requestSync(db, connectionId);
    if (!requested.ok) throw new Error(requested.message);
    const syncStarted = Date.now();
    await runDueJobs(db, { kinds: ['sync'], concurrency: 1 });
    const syncMs = Date.now() - syncStarted;
    const [synced] = await rows<{ links: number; assets: number }>(db, sql`select (select count(*)::int from asset_remotes) as links, (select count(distinct sha256)::int from assets) as assets`);
    if (synced.links !== MEDIA || synced.assets !== MEDIA) throw new Error(`the sync linked ${synced.links} items and stored ${synced.assets} files, not ${MEDIA}`);
    const syncPace = { slot: callSlotStats(), pacer: wordpressPaceStats(site.url) };

    // 3. Writebacks of approved texts.
    const people = await rows<{ id: string }>(db, sql`insert into users (email, name, role, password_hash) values ('bench@example.com', 'Bench editor', 'editor', 'x') returning id`);
    const assetRows = await rows<{ id: string; version: number; remote_id: string }>(db, sql`select a.id, a.version, r.remote_id from assets a join asset_remotes r on r.asset_id = a.id`);
    const { valid } = checkItems('edit', assetRows.map((row) => ({ id: row.id, version: row.version, text: `Product photo ${row.remote_id}, approved in Loupe` })));
    await decide(db, 'edit', valid, { userId: people[0].id, name: 'Bench editor', kind: 'person' });
    // The decisions' alt_text events queued the writebacks (lib/events' outbox, writebackSubscriber).
    useConnectorForTests(pacedWordPress({ concurrency: CONCURRENCY, requestsPerSecond: WRITEBACK_RPS }));
    const slotBefore = callSlotStats();
    const pacerBefore = wordpressPaceStats(site.url);
    const writeStarted = Date.now();
    await runDueJobs(db, { kinds: ['writeback'], concurrency: WRITEBACK_JOBS });
    const writeMs = Date.now() - writeStarted;
    const slot = callSlotStats();
    const pacer = wordpressPaceStats(site.url);
    const [written] = await rows<{ in_sync: number }>(db, sql`select count(*) filter (where status = 'in_sync' and last_written_at is not null)::int as in_sync from asset_remotes`);
    if (written.in_sync !== MEDIA) throw new Error(`${written.in_sync} of ${MEDIA} texts were written`);
    const writeCalls = pacer.calls - pacerBefore.calls;
    const slotWait = slot.waitedMs - slotBefore.waitedMs;
    const pacerWait = pacer.waitedMs - pacerBefore.waitedMs;
    // Each worker's time: the jobs ran WRITEBACK_JOBS at once, so their waits are shared out over that much time.
    const workerMs = writeMs * WRITEBACK_JOBS;

    const plainRate = MEDIA / seconds(plainMs);
    const syncRate = MEDIA / seconds(syncMs);
    console.log('');
    console.log('| measure | figure |');
    console.log('|---|---|');
    console.log(`| plain sequential fetch + SHA-256 + write file | ${plainRate.toFixed(1)} images/s (${seconds(plainMs).toFixed(1)} s) |`);
    console.log(`| Loupe sync job (concurrency ${CONCURRENCY}, ${RPS} calls/s ceiling) | ${syncRate.toFixed(1)} images/s (${seconds(syncMs).toFixed(1)} s) |`);
    console.log(`| ratio sync / plain | ${(syncRate / plainRate).toFixed(2)} |`);
    console.log(`| sync: calls, time waiting for a call slot / in the connector's pacer | ${syncPace.pacer.calls} calls, ${seconds(syncPace.slot.waitedMs).toFixed(1)} s / ${seconds(syncPace.pacer.waitedMs).toFixed(1)} s |`);
    console.log(`| ${MEDIA} writebacks (${WRITEBACK_JOBS} jobs at once, ${WRITEBACK_RPS} calls/s ceiling) | ${(MEDIA / seconds(writeMs)).toFixed(1)} writebacks/s, ${(writeCalls / seconds(writeMs)).toFixed(1)} calls/s (${writeCalls} calls: read, then write; ${seconds(writeMs).toFixed(1)} s) |`);
    console.log(`| writeback: share of worker time waiting on pacing | ${((100 * (slotWait + pacerWait)) / workerMs).toFixed(0)} % (call schedule ${seconds(slotWait).toFixed(1)} s + connector pacer ${seconds(pacerWait).toFixed(1)} s of ${seconds(workerMs).toFixed(1)} s) |`);
    console.log(`| at WordPress's default pace (${WORDPRESS_LIMITS.requestsPerSecond} calls/s) | at most ${WORDPRESS_LIMITS.requestsPerSecond} images/s synced, ${WORDPRESS_LIMITS.requestsPerSecond / 2} writebacks/s |`);
    // 4. The same sizes against Drupal's JSON:API (the fake: Drupal is not packaged here).
    for (const line of await benchDrupal({ entities: MEDIA, concurrency: CONCURRENCY, rps: RPS, writebackRps: WRITEBACK_RPS, writebackJobs: WRITEBACK_JOBS, databaseUrl: process.env.BENCH_DATABASE_URL })) console.log(line);
  } finally {
    useConnectorForTests(undefined, 'wordpress');
    await site.stop();
    await handle.close();
    await scratch?.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

await main();
