import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import { openPglite, openPostgres, rows, useDbForTests, type DbHandle } from '@/db/client';
import { migrate } from '@/db/migrate';
import { resetConfig } from '@/lib/config';
import { callSlotStats, createConnection, requestSync, useConnectorForTests } from '@/lib/connections';
import { connectorFor, shopifyPaceStats, WORDPRESS_LIMITS, wordpressPaceStats, type AltWrite, type Connector, type StoreAccess } from '@/lib/connectors';
import { runDueJobs } from '@/lib/jobs';
import { checkItems, decide } from '@/lib/review';
import { LocalStorage, useStorageForTests } from '@/lib/storage';
import { startWordPress } from '@/test/wordpress';
import { createScratchDatabase, type ScratchDatabase } from '@/test/pg-template';
import { startShopifyFake } from '@/test/shopify-fake';
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
 *
 * Shopify (test/shopify-fake.ts, its leaky bucket at SHOPIFY_RESTORE_RATE points/s, 1,000 at most):
 *   4. SHOPIFY_WRITES approved texts through the real writeback job in calls (store_writes: a page of 250 read
 *      with nodes, 100 ids a call, then fileUpdate, 25 files a call; CONNECTIONS_BULK_WRITE_FROM set out of
 *      reach): the points spent over what the bucket allowed in that time (what it held at the start plus its
 *      refill), and the THROTTLED answers after the first;
 *   5. the same count of new texts through the same job with CONNECTIONS_BULK_WRITE_FROM at 1,000: read as in 4,
 *      then one bulk operation (staged JSONL, bulkOperationRunMutation, polled every 5 s): wall time and calls;
 *   6. the connector's bulk write alone (no reads, no job): wall time and calls made.
 *
 * Drupal (tools/bench/connectors-drupal.ts: the JSON:API fake, in this process): BENCH_MEDIA articles of one image
 *   7. synced by the real sync job beside a plain loop (images/s, the ratio), then written back (writebacks/s, calls/s).
 * BENCH_CONNECTORS picks the parts: wordpress, shopify, drupal (all three by default).
 */
const MEDIA = Number(process.env.BENCH_MEDIA ?? 1000);
const PHP_WORKERS = Number(process.env.BENCH_PHP_WORKERS ?? 8);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const RPS = Number(process.env.BENCH_RPS ?? 1000);
const WRITEBACK_RPS = Number(process.env.BENCH_WRITEBACK_RPS ?? 100);
const WRITEBACK_JOBS = Number(process.env.BENCH_WRITEBACK_JOBS ?? 4);
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 0);

const SHOPIFY_WRITES = Number(process.env.SHOPIFY_WRITES ?? 5000);
const SHOPIFY_RESTORE_RATE = Number(process.env.SHOPIFY_RESTORE_RATE ?? 100);
const PARTS = (process.env.BENCH_CONNECTORS ?? 'wordpress,shopify,drupal').split(',');

const seconds = (ms: number) => ms / 1000;

async function benchWordPress(): Promise<void> {
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
  } finally {
    useConnectorForTests(undefined, 'wordpress');
    await site.stop();
    await handle.close();
    await scratch?.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

/** A small JPEG of its own size and colour per seed. */
function benchJpeg(seed: number): Promise<Buffer> {
  const background = { r: (seed * 67) % 256, g: (seed * 131) % 256, b: (seed * 29) % 256 };
  return sharp({ create: { width: 16 + (seed % 64), height: 16 + Math.floor(seed / 64), channels: 3, background } }).jpeg({ quality: 80 }).toBuffer();
}

/** The Shopify connector with the bench's pace (the shop's bucket is the real limit; call starts are not spaced). */
function unspacedShopify(): Connector {
  const real = connectorFor('shopify');
  const paced = (access: StoreAccess): StoreAccess => ({ ...access, pace: { concurrency: 8, requestsPerSecond: 10_000 } });
  return {
    ...real,
    limits: { ...real.limits, requestsPerSecond: 10_000 },
    listChangedImages: (access, options) => real.listChangedImages(paced(access), options),
    fetchImage: (access, image, options) => real.fetchImage(paced(access), image, options),
    readAlt: (access, remoteId) => real.readAlt(paced(access), remoteId),
    writeAlt: (access, remoteId, altText) => real.writeAlt(paced(access), remoteId, altText),
    readAlts: (access, remoteIds) => real.readAlts!(paced(access), remoteIds),
    writeAlts: (access, items) => real.writeAlts!(paced(access), items),
    startBulkWrite: (access, items) => real.startBulkWrite!(paced(access), items),
    bulkWriteStatus: (access, operationId, items) => real.bulkWriteStatus!(paced(access), operationId, items),
  };
}

/** Runs the store_writes job until it is done, waiting out its bulk polls (the job says when it runs next). */
async function runStoreWrites(db: DbHandle['db']): Promise<void> {
  for (;;) {
    await runDueJobs(db, { kinds: ['store_writes'], concurrency: 1 });
    const [next] = await rows<{ wait_ms: number | null }>(db, sql`select extract(epoch from (min(next_attempt_at) - now())) * 1000 as wait_ms from jobs where kind = 'store_writes' and status in ('pending', 'waiting') and next_attempt_at is not null`);
    if (next?.wait_ms === null || next?.wait_ms === undefined) return;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(next.wait_ms)) + 10));
  }
}

/** Approves a new text for every linked image, in one review decision (the events queue the writeback). */
async function approveAll(db: DbHandle['db'], userId: string, words: string): Promise<void> {
  const assetRows = await rows<{ id: string; version: number; remote_id: string }>(db, sql`select a.id, a.version, r.remote_id from assets a join asset_remotes r on r.asset_id = a.id order by r.remote_id`);
  const { valid } = checkItems('edit', assetRows.map((row) => ({ id: row.id, version: row.version, text: `Product photo ${row.remote_id.split('/').pop()}, ${words}` })));
  await decide(db, 'edit', valid, { userId, name: 'Bench editor', kind: 'person' });
}

async function writtenWith(db: DbHandle['db'], words: string): Promise<number> {
  const [written] = await rows<{ n: number }>(db, sql`select count(*)::int as n from asset_remotes where status = 'in_sync' and remote_alt like ${`%, ${words}`}`);
  return written.n;
}

async function benchShopify(): Promise<void> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'loupe-bench-shopify-'));
  process.env.CONNECTIONS_ALLOW_PRIVATE = 'true';
  resetConfig();
  const scratch: ScratchDatabase | null = process.env.BENCH_DATABASE_URL ? await createScratchDatabase(process.env.BENCH_DATABASE_URL, 'loupe_bench_shopify') : null;
  const handle: DbHandle = scratch ? await openPostgres(scratch.url) : await openPglite();
  await migrate(handle);
  useDbForTests(handle);
  useStorageForTests(new LocalStorage(path.join(dataDir, 'storage')));
  const { db } = handle;
  // The sync is not what is measured: the shop restores points fast while it runs.
  const shop = await startShopifyFake({ restoreRate: 1_000_000 });
  try {
    const perProduct = 10;
    for (let start = 0; start < SHOPIFY_WRITES; start += perProduct) {
      const count = Math.min(perProduct, SHOPIFY_WRITES - start);
      // Distinct sizes make distinct files: every image is its own photo.
      const images = await Promise.all(Array.from({ length: count }, (_, n) => benchJpeg(start + n).then((bytes) => ({ bytes }))));
      shop.addProduct({ title: `Product ${start / perProduct}`, skus: [`SKU-${start}`], images });
    }
    useConnectorForTests(unspacedShopify(), 'shopify');
    const created = await createConnection(db, null, { kind: 'shopify', name: 'Bench shop', shop: shop.url, accessToken: shop.staticToken, writebackMode: 'on_approval' });
    if (!created.ok) throw new Error(created.message);
    const requested = await requestSync(db, created.connection.id);
    if (!requested.ok) throw new Error(requested.message);
    await runDueJobs(db, { kinds: ['sync'], concurrency: 1 });
    const [synced] = await rows<{ links: number }>(db, sql`select count(*)::int as links from asset_remotes`);
    if (synced.links !== SHOPIFY_WRITES) throw new Error(`the sync linked ${synced.links} images, not ${SHOPIFY_WRITES}`);

    // 4. Writebacks through the job, in calls, at the shop's real pace, from a full bucket.
    shop.bucket.restoreRate = SHOPIFY_RESTORE_RATE;
    shop.advance(60_000);
    const people = await rows<{ id: string }>(db, sql`insert into users (email, name, role, password_hash) values ('bench@example.com', 'Bench editor', 'editor', 'x') returning id`);
    process.env.CONNECTIONS_BULK_WRITE_FROM = String(10 * SHOPIFY_WRITES);
    resetConfig();
    await approveAll(db, people[0].id, 'approved in Loupe');
    const before = { ...shop.calls };
    const startLevel = shop.bucket.maximumAvailable;
    const writeStarted = Date.now();
    await runStoreWrites(db);
    const writeMs = Date.now() - writeStarted;
    if ((await writtenWith(db, 'approved in Loupe')) !== SHOPIFY_WRITES) throw new Error(`not all ${SHOPIFY_WRITES} texts were written in calls`);
    const spent = shop.calls.spent - before.spent;
    const allowed = startLevel + SHOPIFY_RESTORE_RATE * seconds(writeMs);
    const throttled = shop.calls.throttled - before.throttled;
    const writeCalls = shop.calls.graphql - before.graphql;

    // 5. New texts for the same images through the same job, which now starts a bulk operation; from a full bucket.
    process.env.CONNECTIONS_BULK_WRITE_FROM = String(Math.min(1000, SHOPIFY_WRITES));
    resetConfig();
    shop.advance(60_000);
    await approveAll(db, people[0].id, 'written in bulk by the job');
    const jobBefore = { ...shop.calls, operations: shop.calls.operations.length };
    const jobStarted = Date.now();
    await runStoreWrites(db);
    const jobMs = Date.now() - jobStarted;
    if ((await writtenWith(db, 'written in bulk by the job')) !== SHOPIFY_WRITES) throw new Error(`not all ${SHOPIFY_WRITES} texts were written in bulk`);
    const jobOperations = shop.calls.operations.slice(jobBefore.operations);
    const jobCalls = { total: shop.calls.graphql - jobBefore.graphql + shop.calls.uploads - jobBefore.uploads, reads: jobOperations.filter((name) => name === 'LoupeMediaAlts').length, polls: jobOperations.filter((name) => name === 'LoupeBulkStatus').length };

    delete process.env.CONNECTIONS_BULK_WRITE_FROM;
    resetConfig();

    // 6. The connector's bulk write alone: no reads, no job.
    shop.advance(60_000);
    const items: AltWrite[] = (await rows<{ remote_id: string }>(db, sql`select remote_id from asset_remotes order by remote_id`)).map((row) => ({ remoteId: row.remote_id, altText: `Product photo ${row.remote_id.split('/').pop()}, written in bulk` }));
    const access: StoreAccess = { url: shop.url, username: 'Admin API access token', secret: JSON.stringify({ accessToken: shop.staticToken }), settings: {}, allowPrivate: true };
    const shopify = connectorFor('shopify');
    const bulkBefore = shop.calls.graphql + shop.calls.uploads;
    const bulkStarted = Date.now();
    const started = await shopify.startBulkWrite!(access, items);
    if (!started.ok) throw new Error(started.message);
    let polls = 0;
    for (;;) {
      const status = await shopify.bulkWriteStatus!(access, started.operationId, items);
      polls += 1;
      if (!status.ok) throw new Error(status.message);
      if (status.status === 'done') {
        const failed = [...status.outcomes.values()].filter((outcome) => !outcome.ok).length;
        if (failed) throw new Error(`${failed} bulk writes failed`);
        break;
      }
    }
    const bulkMs = Date.now() - bulkStarted;
    const bulkCalls = shop.calls.graphql + shop.calls.uploads - bulkBefore;

    console.log('');
    console.log(`bench:connectors (Shopify fake, ${SHOPIFY_RESTORE_RATE} points/s, bucket ${startLevel}; Loupe on ${scratch ? 'PostgreSQL' : 'PGlite'})`);
    console.log('');
    console.log('| measure | figure |');
    console.log('|---|---|');
    console.log(`| ${SHOPIFY_WRITES} writebacks through the job in calls (nodes reads of 100, fileUpdate of 25) | ${seconds(writeMs).toFixed(1)} s, ${(SHOPIFY_WRITES / seconds(writeMs)).toFixed(1)} writebacks/s, ${writeCalls} calls |`);
    console.log(`| query cost achieved / allowed | ${(spent / allowed).toFixed(2)} (${spent} points spent; ${Math.round(allowed)} allowed: ${startLevel} at the start + ${SHOPIFY_RESTORE_RATE}/s) |`);
    console.log(`| THROTTLED answers (after the first: ${Math.max(0, throttled - 1)}; twice in a row: ${shop.calls.throttledTwice - before.throttledTwice}) | ${throttled} |`);
    console.log(`| Loupe's waits for points | ${seconds(shopifyPaceStats(shop.url).waitedMs).toFixed(1)} s over all calls |`);
    console.log(`| the same ${SHOPIFY_WRITES} through the job in one bulk operation (reads first) | ${seconds(jobMs).toFixed(1)} s, ${jobCalls.total} calls (${jobCalls.reads} reads, ${jobCalls.polls} polls every 5 s) |`);
    console.log(`| the connector's bulk write alone (no reads, no job) | ${seconds(bulkMs).toFixed(1)} s, ${bulkCalls} calls (staged upload, run, ${polls} polls, results) |`);
  } finally {
    useConnectorForTests(undefined, 'shopify');
    await shop.stop();
    await handle.close();
    await scratch?.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

/** Drupal is not packaged here: its part runs against the JSON:API fake, at the WordPress part's sizes and pace. */
async function benchDrupalPart(): Promise<void> {
  process.env.CONNECTIONS_ALLOW_PRIVATE = 'true';
  resetConfig();
  const lines = await benchDrupal({ entities: MEDIA, concurrency: CONCURRENCY, rps: RPS, writebackRps: WRITEBACK_RPS, writebackJobs: WRITEBACK_JOBS, databaseUrl: process.env.BENCH_DATABASE_URL });
  console.log('');
  console.log(`bench:connectors (Drupal JSON:API fake; Loupe on ${process.env.BENCH_DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`);
  console.log('');
  console.log('| measure | figure |');
  console.log('|---|---|');
  for (const line of lines) console.log(line);
}

if (PARTS.includes('wordpress')) await benchWordPress();
if (PARTS.includes('shopify')) await benchShopify();
if (PARTS.includes('drupal')) await benchDrupalPart();
