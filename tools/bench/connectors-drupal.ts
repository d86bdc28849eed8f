import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import sharp from 'sharp';
import { openPglite, openPostgres, rows, useDbForTests, type DbHandle } from '@/db/client';
import { migrate } from '@/db/migrate';
import { createConnection, requestSync, useConnectorForTests } from '@/lib/connections';
import { connectorFor, DRUPAL_LIMITS, drupalPaceStats, type Connector, type StoreAccess } from '@/lib/connectors';
import { runDueJobs } from '@/lib/jobs';
import { checkItems, decide } from '@/lib/review';
import { LocalStorage, useStorageForTests } from '@/lib/storage';
import { startDrupalFake } from '@/test/drupal-fake';
import { createScratchDatabase, type ScratchDatabase } from '@/test/pg-template';

/**
 * bench:connectors' Drupal part, against the JSON:API fake (test/drupal-fake.ts, in this process: its work
 * competes with Loupe's for the same thread, so the figures are a floor) holding ENTITIES articles of one image
 * each: a plain sequential loop (list 50 a page with the files included, fetch, hash, write a file) beside
 * Loupe's real sync job, and then ENTITIES writebacks through the real writeback job (a read, then the entity
 * read again and PATCHed: three calls each).
 */

/** The real Drupal connector at the bench's pace (Loupe's call schedule and the connector's pacer alike). */
function pacedDrupal(pace: { concurrency: number; requestsPerSecond: number }): Connector {
  const real = connectorFor('drupal');
  const paced = (access: StoreAccess): StoreAccess => ({ ...access, pace });
  return {
    ...real,
    limits: { ...real.limits, ...pace },
    verify: (access) => real.verify(paced(access)),
    listChangedImages: (access, options) => real.listChangedImages(paced(access), options),
    fetchImage: (access, image, options) => real.fetchImage(paced(access), image, options),
    readAlt: (access, remoteId) => real.readAlt(paced(access), remoteId),
    writeAlt: (access, remoteId, altText) => real.writeAlt(paced(access), remoteId, altText),
  };
}

const seconds = (ms: number) => ms / 1000;

/** One small JPEG, made unique per product by a comment segment (COM) right after its start marker. */
function uniqueJpeg(base: Buffer, n: number): Buffer {
  const note = Buffer.from(`bench product ${n}`);
  const segment = Buffer.concat([Buffer.from([0xff, 0xfe, 0, note.length + 2]), note]);
  return Buffer.concat([base.subarray(0, 2), segment, base.subarray(2)]);
}

export async function benchDrupal(options: { entities: number; concurrency: number; rps: number; writebackRps: number; writebackJobs: number; databaseUrl?: string }): Promise<string[]> {
  const { entities, concurrency, rps, writebackRps, writebackJobs } = options;
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'loupe-bench-drupal-'));
  const scratch: ScratchDatabase | null = options.databaseUrl ? await createScratchDatabase(options.databaseUrl, 'loupe_bench_drupal') : null;
  const handle: DbHandle = scratch ? await openPostgres(scratch.url) : await openPglite();
  await migrate(handle);
  useDbForTests(handle);
  useStorageForTests(new LocalStorage(path.join(dataDir, 'storage')));
  const { db } = handle;
  const fake = await startDrupalFake();
  try {
    const article = fake.bundles[0];
    const base = await sharp({ create: { width: 48, height: 32, channels: 3, background: { r: 200, g: 120, b: 40 } } }).jpeg().toBuffer();
    for (let n = 0; n < entities; n++) {
      const file = fake.addFile(`product-${n}.jpg`, uniqueJpeg(base, n));
      fake.addEntity(article, { title: `Product ${n}`, images: [{ fileUuid: file.uuid, alt: '' }] });
    }

    // 1. The plain loop.
    const auth = `Basic ${Buffer.from(`${fake.username}:${fake.password}`).toString('base64')}`;
    const plainDir = path.join(dataDir, 'plain');
    await fs.mkdir(plainDir);
    const plainStarted = Date.now();
    const hashes = new Set<string>();
    let next: string | null = `${fake.url}/jsonapi/node/article?sort=changed,id&include=field_image&page[limit]=50`;
    while (next) {
      const answer = (await (await fetch(next, { headers: { authorization: auth, accept: 'application/vnd.api+json' } })).json()) as { included?: { id: string; attributes: { uri: { url: string } } }[]; links: { next?: { href: string } } };
      for (const file of answer.included ?? []) {
        const bytes = Buffer.from(await (await fetch(new URL(file.attributes.uri.url, fake.url))).arrayBuffer());
        hashes.add(createHash('sha256').update(bytes).digest('hex'));
        await fs.writeFile(path.join(plainDir, file.id), bytes);
      }
      next = answer.links.next?.href ?? null;
    }
    const plainMs = Date.now() - plainStarted;
    if (hashes.size !== entities) throw new Error(`the plain loop stored ${hashes.size} distinct files, not ${entities}`);

    // 2. Loupe's sync job.
    useConnectorForTests(pacedDrupal({ concurrency, requestsPerSecond: rps }));
    const created = await createConnection(db, null, { kind: 'drupal', name: 'Bench Drupal', writebackMode: 'on_approval', url: fake.url, username: fake.username, password: fake.password });
    if (!created.ok) throw new Error(created.message);
    const requested = await requestSync(db, created.connection.id);
    if (!requested.ok) throw new Error(requested.message);
    const syncStarted = Date.now();
    await runDueJobs(db, { kinds: ['sync'], concurrency: 1 });
    const syncMs = Date.now() - syncStarted;
    const [synced] = await rows<{ links: number }>(db, sql`select count(*)::int as links from asset_remotes`);
    if (synced.links !== entities) throw new Error(`the sync linked ${synced.links} images, not ${entities}`);

    // 3. Writebacks.
    const people = await rows<{ id: string }>(db, sql`insert into users (email, name, role, password_hash) values ('bench-drupal@example.com', 'Bench editor', 'editor', 'x') returning id`);
    const assetRows = await rows<{ id: string; version: number; remote_id: string }>(db, sql`select a.id, a.version, r.remote_id from assets a join asset_remotes r on r.asset_id = a.id`);
    const { valid } = checkItems('edit', assetRows.map((row) => ({ id: row.id, version: row.version, text: `Product photo ${row.remote_id.slice(0, 8)}, approved in Loupe` })));
    await decide(db, 'edit', valid, { userId: people[0].id, name: 'Bench editor', kind: 'person' });
    useConnectorForTests(pacedDrupal({ concurrency, requestsPerSecond: writebackRps }));
    const before = drupalPaceStats(fake.url);
    const writeStarted = Date.now();
    await runDueJobs(db, { kinds: ['writeback'], concurrency: writebackJobs });
    const writeMs = Date.now() - writeStarted;
    const calls = drupalPaceStats(fake.url).calls - before.calls;
    const [written] = await rows<{ in_sync: number }>(db, sql`select count(*) filter (where status = 'in_sync' and last_written_at is not null)::int as in_sync from asset_remotes`);
    if (written.in_sync !== entities) throw new Error(`${written.in_sync} of ${entities} texts were written to Drupal`);

    const plainRate = entities / seconds(plainMs);
    const syncRate = entities / seconds(syncMs);
    return [
      `| Drupal (JSON:API fake, ${entities} articles): plain sequential list + fetch + SHA-256 + write file | ${plainRate.toFixed(1)} images/s (${seconds(plainMs).toFixed(1)} s) |`,
      `| Drupal: Loupe sync job (concurrency ${concurrency}, ${rps} calls/s ceiling) | ${syncRate.toFixed(1)} images/s (${seconds(syncMs).toFixed(1)} s); ratio sync / plain ${(syncRate / plainRate).toFixed(2)} |`,
      `| Drupal: ${entities} writebacks (${writebackJobs} jobs at once, ${writebackRps} calls/s ceiling) | ${(entities / seconds(writeMs)).toFixed(1)} writebacks/s, ${(calls / seconds(writeMs)).toFixed(1)} calls/s (${calls} calls: read, then read and PATCH; ${seconds(writeMs).toFixed(1)} s) |`,
      `| at Drupal's default pace (${DRUPAL_LIMITS.requestsPerSecond} calls/s) | at most ${DRUPAL_LIMITS.requestsPerSecond} images/s synced, ${(DRUPAL_LIMITS.requestsPerSecond / 3).toFixed(1)} writebacks/s |`,
    ];
  } finally {
    useConnectorForTests(undefined, 'drupal');
    await fake.close();
    await handle.close();
    await scratch?.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}
