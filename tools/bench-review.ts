import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { openPglite, openPostgres, rows, type Db, type DbHandle } from '@/db/client';
import { migrate } from '@/db/migrate';
import { users } from '@/db/schema';
import { PROMPT_VERSION } from '@/lib/alt';
import { countLibrary } from '@/lib/assets';
import { config } from '@/lib/config';
import { filterSql } from '@/lib/filters';
import { countMatching, decide, reviewCounts, reviewPage, type Reviewer } from '@/lib/review';
import type { Storage } from '@/lib/storage';
import { percentile } from '@/tools/bench/search/stats';
import { timeEach } from '@/tools/bench/search/measure';

/**
 * npm run bench:review [-- --n 100000 --pglite-n 20000 --samples 200 --bulk 10000]  (--pglite-n 0: PostgreSQL only)
 *
 * Loads N synthetic assets (half needing review: proposals, some missing) with their history into PostgreSQL (a
 * database `loupe_bench_review` created and dropped on BENCH_DATABASE_URL's server) and into an in-memory
 * PGlite, then prints per backend, each beside a minimal baseline measured in the same run:
 *   - the next item: a page of the queue after a random cursor (unfiltered and under a tag filter), p50/p95,
 *     against one indexed SELECT (an asset by primary key);
 *   - a filtered count (one filter, and every count the page shows beside its filters), against the same;
 *   - the library page's counts (All photos, Failed, Retrying, the store links and the filter's total), unfiltered
 *     and under a tag filter, against the same and against one full count of the library (what every page view
 *     read before the counts were planned);
 *   - a bulk approve of `bulk` items (version-guarded, with history), against one
 *     UPDATE ... FROM (VALUES ...) of as many items without either.
 */

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '100000' },
    'pglite-n': { type: 'string', default: '20000' },
    samples: { type: 'string', default: '200' },
    bulk: { type: 'string', default: '10000' },
  },
});
const N = Number(args.n);
const PGLITE_N = Math.min(N, Number(args['pglite-n']));
const SAMPLES = Number(args.samples);
const BULK = Number(args.bulk);
const BENCH_DB = 'loupe_bench_review';
const TAGS = 50;
const COLLECTIONS = 20;

const log = (line: string) => process.stdout.write(`${line}\n`);
const ms = (value: number) => `${value.toFixed(2)} ms`;

/** Assets never touch storage here: none has a derivative to sign. */
const noStorage = {
  signedGetUrl: () => {
    throw new Error('bench assets have no derivatives');
  },
} as unknown as Storage;

async function main(): Promise<void> {
  log(`bench:review  N=${N} on PostgreSQL, ${PGLITE_N} on PGlite, ${SAMPLES} samples, bulk approve of ${BULK}`);
  const admin = postgres(config().benchDatabaseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${BENCH_DB} with (force)`);
  await admin.unsafe(`create database ${BENCH_DB}`);
  const benchUrl = new URL(config().benchDatabaseUrl);
  benchUrl.pathname = `/${BENCH_DB}`;
  const pg = await openPostgres(benchUrl.toString(), { max: 4 });
  const lite = PGLITE_N > 0 ? await openPglite() : null;
  try {
    await measureBackend('PostgreSQL', pg, N);
    if (lite) await measureBackend('PGlite', lite, PGLITE_N);
  } finally {
    await pg.close();
    await lite?.close();
    await admin.unsafe(`drop database if exists ${BENCH_DB} with (force)`);
    await admin.end();
  }
}

/** Even g: a proposal; odd g: approved, but one in 25 has no text yet. About half need review. Oldest first = highest g. */
async function load(db: Db, n: number): Promise<void> {
  await db.execute(sql`
    insert into assets (filename, declared_type, declared_size, sha256, original_key, derivative_prefix, state, width, height, tags, collection, title, sku,
      alt_text, alt_status, alt_source, alt_author, alt_model, alt_prompt_version, alt_updated_at, created_at)
    select 'product-' || g || '.jpg', 'image/jpeg', 1000, md5(g::text) || md5((g + 1)::text), 'o/bench-' || g, 'd/bench-' || g, 'embedded',
      case when g % 7 = 0 then 800 else 2000 end, 2000,
      array['tag-' || (g % ${TAGS}), 'tag-' || ((g / 7) % ${TAGS})], 'collection-' || (g % ${COLLECTIONS}), 'Product ' || g, 'SKU-' || g,
      case when g % 50 = 1 then null else 'Navy wool jumper number ' || g || ' folded on a pale wooden table beside a ceramic mug.' end,
      case when g % 50 = 1 then 'none' when g % 2 = 0 then 'proposed' else 'approved' end,
      case when g % 50 = 1 then null else 'ai' end, case when g % 50 = 1 then null else 'groq' end,
      case when g % 50 = 1 then null when g % 4 = 0 then 'model-b' else 'model-a' end,
      case when g % 50 = 1 then null when g % 6 = 0 then 'alt-v0' else ${PROMPT_VERSION} end,
      now() - make_interval(secs => g), now() - make_interval(secs => g)
    from generate_series(1, ${n}) g`);
  await db.execute(sql`
    insert into alt_history (asset_id, event, text, source, provider, model, prompt_version, outcome, created_at)
    select id, 'generated', alt_text, 'ai', 'groq', alt_model, alt_prompt_version, 'written', alt_updated_at from assets where alt_text is not null`);
  await db.execute(sql`analyze`);
}

async function measureBackend(name: string, handle: DbHandle, n: number): Promise<void> {
  const started = performance.now();
  await migrate(handle);
  const db = handle.db;
  await load(db, n);
  const [user] = await db.insert(users).values({ name: 'Bench reviewer', email: `bench-${Date.now()}@example.com`, passwordHash: 'x', role: 'editor' }).returning();
  const reviewer: Reviewer = { userId: user.id, name: user.name, kind: 'person' };
  log(`\n${name}: ${n} assets loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const queued = await rows<{ id: string; created_at_text: string }>(db, sql`select id, created_at::text as created_at_text from assets a where ${filterSql({ status: 'undecided' })} order by random() limit ${SAMPLES}`);
  const cursors = queued.map((row) => Buffer.from(JSON.stringify([row.created_at_text, row.id])).toString('base64url'));
  const ids = queued.map((row) => row.id);
  const tags = Array.from({ length: SAMPLES }, (_, i) => `tag-${i % TAGS}`);

  const baseline = await timeEach(ids, (id) => rows(db, sql`select * from assets where id = ${id}::uuid`));
  const nextItem = await timeEach(cursors, (cursor) => reviewPage(db, noStorage, {}, { cursor, limit: 20 }));
  const nextFiltered = await timeEach(cursors.map((cursor, i) => [cursor, tags[i]] as const), ([cursor, tag]) => reviewPage(db, noStorage, { tag }, { cursor, limit: 20 }));
  const oneCount = await timeEach(tags, (tag) => countMatching(db, { tag, status: 'proposed' }));
  const allCounts = await timeEach(tags.slice(0, Math.min(50, SAMPLES)), (tag) => reviewCounts(db, { tag }), 3);
  const fullCount = await timeEach(ids.slice(0, 20), () => rows(db, sql`select count(*) from assets a where ${filterSql({})}`), 3);
  const libraryCounts = await timeEach(tags.slice(0, Math.min(50, SAMPLES)).map((tag, i) => (i % 2 === 0 ? {} : { tag })), (filter) => countLibrary(db, filter), 3);

  const row = (label: string, samples: number[]) => {
    const p95 = percentile(samples, 0.95);
    log(`  ${label.padEnd(44)} p50 ${ms(percentile(samples, 0.5)).padStart(10)}  p95 ${ms(p95).padStart(10)}  ${(p95 / percentile(baseline, 0.95)).toFixed(1).padStart(6)}x baseline`);
  };
  row('baseline: one indexed SELECT (by id)', baseline);
  row('next item: queue page of 20 after a cursor', nextItem);
  row('next item under a tag filter', nextFiltered);
  row('filtered count (tag + status)', oneCount);
  row('every count beside the filters (tag)', allCounts);
  row('one full count of the library, for scale', fullCount);
  row('library page counts (none, or a tag filter)', libraryCounts);
  const goal = percentile(nextItem, 0.95) <= 30 ? 'met' : 'MISSED';
  log(`  goal next item p95 <= 30 ms: ${goal}`);
  const estimated = (await reviewCounts(db, {})).estimated;
  log(`counts p95 ${ms(percentile(allCounts, 0.95))}${estimated ? ' (estimated from a sample: the library is over 20,000 photos)' : ''}`);
  log(`library counts p95 ${ms(percentile(libraryCounts, 0.95))}${estimated ? ' (estimated from a sample: the library is over 20,000 photos)' : ''}`);

  // Bulk approve: the same proposals approved by the baseline and by the decision, in turn, twice each; the
  // proposals are put back (untimed) before each run, so both write the same rows in the same state.
  const batch = await rows<{ id: string }>(db, sql`select id from assets where alt_status = 'proposed' order by random() limit ${BULK}`);
  if (batch.length < BULK) throw new Error(`only ${batch.length} proposals: load more assets or pass a smaller --bulk`);
  const idList = sql.join(batch.map((item) => sql`${item.id}::uuid`), sql`, `);
  const putBack = async () => {
    await db.execute(sql`update assets set alt_status = 'proposed' where id in (${idList})`);
    await db.execute(sql`vacuum analyze assets`);
    return rows<{ id: string; version: number }>(db, sql`select id, version from assets where id in (${idList})`);
  };
  const baselineTimes: number[] = [];
  const bulkTimes: number[] = [];
  for (let round = 0; round < 4; round++) {
    const items = await putBack();
    const t0 = performance.now();
    if (round % 2 === 0) {
      const values = sql.join(items.map((item) => sql`(${item.id}::uuid, ${item.version}::int)`), sql`, `);
      await db.execute(sql`update assets a set alt_status = 'approved', version = a.version + 1 from (values ${values}) v(id, version) where a.id = v.id and a.version = v.version`);
      baselineTimes.push(performance.now() - t0);
    } else {
      const { results } = await decide(db, 'approve', items.map((item) => ({ ...item, text: null })), reviewer);
      bulkTimes.push(performance.now() - t0);
      const done = results.filter((result) => result.outcome === 'done').length;
      if (done !== BULK) throw new Error(`bulk approve did ${done} of ${BULK}`);
    }
  }
  const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
  const ratio = sum(bulkTimes) / sum(baselineTimes);
  log(`  bulk approve of ${BULK}: ${bulkTimes.map(ms).join(', ')}  baseline UPDATE ... FROM (VALUES ...): ${baselineTimes.map(ms).join(', ')}  ${ratio.toFixed(2)}x baseline (goal <= 2x: ${ratio <= 2 ? 'met' : 'MISSED'})`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
