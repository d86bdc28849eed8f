import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import sharp from 'sharp';
import { openPostgres, rows, useDbForTests, type DbHandle } from '@/db/client';
import { migrate } from '@/db/migrate';
import { assets } from '@/db/schema';
import { resetConfig } from '@/lib/config';
import { enqueueJob, JOB_PRIORITY, runAssetJobs, runDueJobs } from '@/lib/jobs';
import { newDerivativePrefix, newOriginalKey, useStorageForTests, LocalStorage } from '@/lib/storage';
import { createScratchDatabase } from '@/test/pg-template';
import { startFakeGroq, type FakeGroq } from '@/test/fake-groq';
import { STAND_IN_MODEL_DIR } from '@/test/stand-in-embedding-model';

/**
 * npm run bench:backfill: the paced backfill against the fake Groq API with a rate limit it enforces and
 * reports in headers (120 requests and 24,000 tokens a minute, the minute compressed to WINDOW_MS), on 300
 * assets in a scratch PostgreSQL database (BENCH_DATABASE_URL's server), each phase in separate app processes:
 *   1. one process: achieved / allowed request rate, 429s after the first; p95 time to alt text of uploads
 *      made during the backfill, against the same uploads with no backfill
 *   2. two processes sharing the database: their sum against the limit
 *   3. kill -9 halfway, restart: every asset ends with alt text and a vector, one successful call each
 */
const ASSETS = 300;
const RPM = 120;
const TPM = 24_000;
const WINDOW_MS = 8_000;
const UPLOADS = 8;

const scale = 60_000 / WINDOW_MS;

async function main(): Promise<void> {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'loupe-bench-backfill-'));
  const fake = await startFakeGroq({ rateLimit: { requestsPerMinute: RPM, tokensPerMinute: TPM, windowMs: WINDOW_MS } });
  const database = await createScratchDatabase(process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', 'loupe_bench_backfill');
  const env = {
    DATABASE_URL: database.url,
    DATA_DIR: dataDir,
    S3_BUCKET: '',
    VISION_PROVIDER: 'groq',
    GROQ_API_KEY: fake.apiKey,
    GROQ_BASE_URL: fake.url,
    // The caps in the fake's compressed minute.
    VISION_RPM: String(RPM * scale),
    VISION_TPM: String(TPM * scale),
    VISION_CONCURRENCY: '6',
    JOBS_CONCURRENCY: '6',
    JOBS_LEASE_SECONDS: '10',
    JOBS_SWEEPER: 'false',
    EMBEDDING_PROVIDER: 'local',
    EMBEDDING_MODEL: 'wordnet-static-256',
    EMBEDDING_MODEL_DIR: STAND_IN_MODEL_DIR,
  };
  Object.assign(process.env, env);
  resetConfig();
  const handle = await openPostgres(database.url);
  try {
    await migrate(handle);
    useDbForTests(handle);
    useStorageForTests(new LocalStorage(path.join(dataDir, 'storage')));
    console.log(`bench:backfill: ${ASSETS} assets, fake limit ${RPM} requests and ${TPM} tokens a minute (a minute lasts ${WINDOW_MS} ms here)`);
    const ids = await seed(handle, fake);

    const baseline = await timeToAlt(handle, fake, null);
    await resetAlt(handle, ids, fake);
    const one = await phase(fake, handle, ids, [['backfill']], env, (worker) => timeToAlt(handle, fake, worker));
    report('one process', one);
    const p95Ratio = one.uploadP95 / baseline.p95;
    console.log(`  time to alt text of an upload: p95 ${baseline.p95.toFixed(0)} ms with no backfill, ${one.uploadP95.toFixed(0)} ms during it (ratio ${p95Ratio.toFixed(2)}; one model call at the allowed pace is ${(60_000 / one.allowedPerMinute / scale).toFixed(0)} ms)`);

    await resetAlt(handle, ids, fake);
    const two = await phase(fake, handle, ids, [['backfill'], ['sweep', '4']], env);
    report('two processes, one database', two);

    await resetAlt(handle, ids, fake);
    const crash = await killAndRestart(fake, handle, ids, env);
    console.log(
      `kill -9 after ${crash.killedAt} successful calls, restart: ${crash.complete}/${ASSETS} assets with alt text and a vector; ` +
        `successful calls per asset: ${crash.exactlyOne} exactly one, ${crash.more} more than one (${crash.extraCalls} extra), ${crash.none} none; 429s: ${fake.usage.rateLimited}`,
    );
  } finally {
    await handle.close();
    await fake.close();
    await database.drop();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

/** 300 distinct product photos, derived and embedded, with no alt text (a library that predates Loupe). */
async function seed(handle: DbHandle, fake: FakeGroq): Promise<string[]> {
  const storage = new LocalStorage(path.join(process.env.DATA_DIR ?? '', 'storage'));
  const ids: string[] = [];
  for (let i = 0; i < ASSETS; i++) ids.push(await storeAsset(handle, storage, i, JOB_PRIORITY.backfill));
  process.env.VISION_PROVIDER = 'none';
  resetConfig();
  await runDueJobs(handle.db, { concurrency: 2 });
  process.env.VISION_PROVIDER = 'groq';
  resetConfig();
  await resetAlt(handle, ids, fake);
  return ids;
}

async function storeAsset(handle: DbHandle, storage: LocalStorage, i: number, priority: number): Promise<string> {
  // Far-apart colours, distinct for every i below 512: the vision derivative (lossy WebP) of close colours can come
  // out byte-identical, and the fake counts calls per image.
  const colour = { r: (i * 67) % 256, g: (i * 151 + 64) % 256, b: Math.floor(i / 256) * 128 + 30 };
  const bytes = await sharp({ create: { width: 640, height: 800, channels: 3, background: colour } }).jpeg({ quality: 80 }).toBuffer();
  const originalKey = newOriginalKey();
  await storage.put(originalKey, bytes);
  const [row] = await handle.db
    .insert(assets)
    .values({
      filename: `product-${i}.jpg`, declaredType: 'image/jpeg', declaredSize: bytes.length, sha256: `${i}-${crypto.randomUUID()}`, sizeBytes: bytes.length,
      format: 'jpeg', mimeType: 'image/jpeg', originalKey, derivativePrefix: newDerivativePrefix(), width: 640, height: 800, state: 'stored',
      title: `Catalogue product ${i}`, tags: ['bench'],
    })
    .returning({ id: assets.id });
  await enqueueJob(handle.db, { assetId: row.id, kind: 'derive', priority });
  return row.id;
}

async function resetAlt(handle: DbHandle, ids: string[], fake: FakeGroq): Promise<void> {
  await handle.db.execute(sql`update assets set alt_text = null, alt_source = null, alt_status = 'none', alt_author = null, alt_model = null,
    alt_prompt_version = null, alt_last_error = null, alt_next_attempt_at = null where id in ${sql.raw(`('${ids.join("','")}')`)}`);
  await handle.db.execute(sql`delete from provider_state`);
  await handle.db.execute(sql`delete from backfill_runs`);
  fake.usage.byImage.clear();
  fake.usage.succeededAt.length = 0;
  fake.usage.rateLimited = 0;
}

interface PhaseResult {
  calls: number;
  achievedPerMinute: number;
  allowedPerMinute: number;
  rateLimited: number;
  uploadP95: number;
}

async function phase(
  fake: FakeGroq,
  handle: DbHandle,
  ids: string[],
  workers: string[][],
  env: Record<string, string>,
  during?: (worker: ChildProcess) => Promise<{ p95: number }>,
): Promise<PhaseResult> {
  const children = workers.map((args) => startWorker(args, env));
  const uploads = during ? await during(children[0]) : { p95: 0 };
  await Promise.all(children.map(exited));
  const times = [...fake.usage.succeededAt].sort((a, b) => a - b);
  const achievedPerMinute = ((times.length - 1) / (times[times.length - 1] - times[0])) * WINDOW_MS;
  const [tokens] = await rows<{ per_call: number }>(handle.db, sql`select avg(input_tokens + output_tokens)::float8 as per_call from alt_history where input_tokens > 0`);
  const allowedPerMinute = Math.min(RPM, TPM / Number(tokens.per_call));
  const done = await rows<{ count: number }>(handle.db, sql`select count(*)::int as count from assets where alt_source = 'ai' and id in ${sql.raw(`('${ids.join("','")}')`)}`);
  if (Number(done[0].count) !== ids.length) console.log(`  (only ${done[0].count}/${ids.length} assets got alt text in this phase)`);
  return { calls: times.length, achievedPerMinute, allowedPerMinute, rateLimited: fake.usage.rateLimited, uploadP95: uploads.p95 };
}

function report(name: string, result: PhaseResult): void {
  console.log(
    `${name}: ${result.calls} successful calls at ${result.achievedPerMinute.toFixed(1)} a minute, allowed ${result.allowedPerMinute.toFixed(1)} ` +
      `(min of ${RPM} requests, ${TPM} tokens / tokens per call): ratio ${(result.achievedPerMinute / result.allowedPerMinute).toFixed(3)}; 429s: ${result.rateLimited}`,
  );
}

/** Uploads photos one after another (as after() runs them, interactive priority) and times each to its alt text. */
async function timeToAlt(handle: DbHandle, fake: FakeGroq, worker: ChildProcess | null): Promise<{ p95: number }> {
  const storage = new LocalStorage(path.join(process.env.DATA_DIR ?? '', 'storage'));
  const times: number[] = [];
  // During a backfill: start once it is calling the model.
  if (worker) while (fake.usage.succeededAt.length < 20) await new Promise((resolve) => setTimeout(resolve, 100));
  for (let i = 0; i < UPLOADS; i++) {
    const started = performance.now();
    const id = await storeAsset(handle, storage, 10_000 + i + (worker ? 100 : 0), JOB_PRIORITY.interactive);
    await runAssetJobs(handle.db, id);
    // Another instance may have claimed one of the upload's jobs (interactive work goes first everywhere): wait for it.
    for (let waited = 0; waited < 60_000; waited += 50) {
      const [asset] = await handle.db.select({ altSource: assets.altSource }).from(assets).where(eq(assets.id, id));
      if (asset.altSource === 'ai') {
        times.push(performance.now() - started);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await waitForNoRunningJobs(handle, id);
    await handle.db.delete(assets).where(eq(assets.id, id));
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  times.sort((a, b) => a - b);
  return { p95: times[Math.min(times.length - 1, Math.ceil(times.length * 0.95) - 1)] ?? Number.NaN };
}

async function waitForNoRunningJobs(handle: DbHandle, assetId: string): Promise<void> {
  for (;;) {
    const [running] = await rows<{ count: number }>(handle.db, sql`select count(*)::int as count from jobs where asset_id = ${assetId} and status in ('running', 'pending')`);
    if (Number(running.count) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function killAndRestart(fake: FakeGroq, handle: DbHandle, ids: string[], env: Record<string, string>) {
  const first = startWorker(['backfill'], env);
  while (fake.usage.succeededAt.length < ASSETS / 2) await new Promise((resolve) => setTimeout(resolve, 20));
  const killedAt = fake.usage.succeededAt.length;
  first.kill('SIGKILL');
  await exited(first);
  // The restarted instance's sweeper takes over the queue (abandoned jobs once their 10 s lease runs out).
  await exited(startWorker(['sweep', '4'], env));
  const [complete] = await rows<{ count: number }>(
    handle.db,
    sql`select count(*)::int as count from assets a where a.alt_source = 'ai' and exists (select 1 from asset_embeddings e where e.asset_id = a.id)
      and a.id in ${sql.raw(`('${ids.join("','")}')`)}`,
  );
  const counts = [...fake.usage.byImage.values()];
  return {
    killedAt,
    complete: Number(complete.count),
    exactlyOne: counts.filter((c) => c === 1).length,
    more: counts.filter((c) => c > 1).length,
    extraCalls: counts.reduce((sum, c) => sum + Math.max(0, c - 1), 0),
    none: ids.length - counts.length,
  };
}

function startWorker(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(path.resolve('node_modules/.bin/tsx'), ['tools/bench/backfill/worker.ts', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
}

await main();
process.exit(0);
