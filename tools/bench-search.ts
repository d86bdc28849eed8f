import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { openPglite, openPostgres, rows, type DbHandle } from '@/db/client';
import { config } from '@/lib/config';
import { embeddingInput, ensureVectorIndex, inputHash, loadLocalEmbedder, vectorIndexName, type Embedder } from '@/lib/embed';
import type { AssetFilter } from '@/lib/filters';
import { candidateWindow, searchAssets } from '@/lib/search';
import { copyProducts, dropLoadIndexes, loadProducts, prepareCatalogueDb, recreateIndexes, type DroppedIndex } from '@/tools/bench/search/load-catalogue';
import { mean, percentile, recallAtK } from '@/tools/bench/search/stats';
import { timeEach, vectorTopK } from '@/tools/bench/search/measure';
import { syntheticProduct, syntheticQuery } from '@/tools/bench/search/synthetic-catalogue';

/**
 * npm run bench:search [-- --assets 100000 --pglite-n 20000 --queries 200 --model ID --model-dir DIR --keep --reuse]
 * (--pglite-n 0: PostgreSQL only; --n is the old name of --assets)
 *
 * Streams N synthetic catalogue assets (a batch of 1000 at a time, never the whole set in memory; COPY into
 * PostgreSQL with its secondary indexes dropped and made again after, INSERTs into PGlite), embedded with
 * the stand-in model (real, clustered vectors) or `--model` (the default Xenova/all-MiniLM-L6-v2, 384 dimensions,
 * from --model-dir), into PostgreSQL + pgvector (a database `loupe_bench` created and dropped on
 * BENCH_DATABASE_URL's server) and into an in-memory PGlite, then reports per backend: p50/p95 of a whole search
 * (query embedding + hybrid query), the vector query as search runs it against the exact one measured in the same
 * run (ratio), recall@10 unfiltered, under a 3% tag filter and under a collection + status filter, the worst
 * query's recall, the index's build time and size. Texts repeat across a catalogue, so each distinct text is
 * embedded once (the filename, unique per photo, is left out of the bench's embedded text for that reason).
 */

const { values: args } = parseArgs({
  options: {
    assets: { type: 'string' },
    n: { type: 'string', default: '100000' },
    model: { type: 'string', default: 'wordnet-static-256' },
    'pglite-n': { type: 'string', default: '20000' },
    queries: { type: 'string', default: '200' },
    'model-dir': { type: 'string' },
    /** Leave loupe_bench in place afterwards, to look at plans with psql. */
    keep: { type: 'boolean', default: false },
    /** Measure a loupe_bench kept by an earlier --keep run again (PostgreSQL only), without reloading it. */
    reuse: { type: 'boolean', default: false },
  },
});
const N = Number(args.assets ?? args.n);
const PGLITE_N = Math.min(N, Number(args['pglite-n']));
const QUERIES = Number(args.queries);
const BATCH = 1000;
const BENCH_DB = 'loupe_bench';
const MODEL_ID = args.model;
/** Queries whose recall the worst-query line looks at (the issue's measure). */
const WORST_OF = 50;
const modelDir = path.resolve(args['model-dir'] ?? config().embedding.modelDir ?? path.join(process.cwd(), '..', 'shared', 'models', 'wordnet-static-256'));

const log = (line: string) => process.stdout.write(`${line}\n`);
const ms = (value: number) => `${value.toFixed(2)} ms`;

async function main(): Promise<void> {
  const loaded = await loadLocalEmbedder({ id: MODEL_ID, model: MODEL_ID, modelDir, cacheDir: config().embedding.cacheDir });
  if (!loaded.ok) throw new Error(`${loaded.message} (pass --model-dir)`);
  const embedder = loaded.embedder;
  log(`bench:search  N=${N} on PostgreSQL, ${PGLITE_N} on PGlite, ${QUERIES} queries, model ${MODEL_ID} (${embedder.dimensions} dims) from ${modelDir}`);

  const admin = postgres(config().benchDatabaseUrl, { max: 1, onnotice: () => {} });
  if (!args.reuse) {
    await admin.unsafe(`drop database if exists ${BENCH_DB} with (force)`);
    await admin.unsafe(`create database ${BENCH_DB}`);
    // The HNSW build keeps its graph in memory when it fits: far faster than spilling. A million 256-dimension
    // vectors make a graph of about 1.2 GB; a parallel build holds it in shared memory of this size.
    await admin.unsafe(`alter database ${BENCH_DB} set maintenance_work_mem = '2GB'`);
    // The leader builds too: one worker beside it uses both cores of the 2-core machines the issue measures on.
    await admin.unsafe(`alter database ${BENCH_DB} set max_parallel_maintenance_workers = 1`);
  }
  const benchUrl = new URL(config().benchDatabaseUrl);
  benchUrl.pathname = `/${BENCH_DB}`;
  const pg = await openPostgres(benchUrl.toString(), { max: 2 });
  // COPY streams on a connection of its own; session settings for the load and the index builds go there too.
  const copyClient = postgres(benchUrl.toString(), { max: 1, onnotice: () => {} });
  const lite = await openPglite();
  try {
    const backends = [
      { name: 'PostgreSQL', handle: pg, n: N },
      { name: 'PGlite', handle: lite, n: args.reuse ? 0 : PGLITE_N },
    ].filter((backend) => backend.n > 0);
    if (!args.reuse) {
      for (const backend of backends) await prepare(backend.handle, embedder);
      const dropped = await timed('dropped the secondary indexes', () => dropLoadIndexes(copyClient));
      await load(backends, embedder, copyClient);
      await timed(`made ${dropped.length} secondary indexes again`, () => remakeIndexes(copyClient, dropped));
    }
    for (const backend of backends) await buildIndex(backend.name, backend.handle, embedder);
    for (const backend of backends) await measure(backend.name, backend.n, backend.handle, embedder);
  } finally {
    await pg.close();
    await copyClient.end({ timeout: 5 });
    await lite.close();
    if (!args.keep) await admin.unsafe(`drop database if exists ${BENCH_DB} with (force)`);
    await admin.end();
  }
}

async function prepare(handle: DbHandle, embedder: Embedder): Promise<void> {
  await prepareCatalogueDb(handle, embedder, modelDir);
  // Loaded first and indexed after (one bulk HNSW build), as a restore would; the pipeline inserts one by one.
  await handle.db.execute(sql`drop index ${sql.identifier(vectorIndexName(MODEL_ID))}`);
}

async function timed<T>(what: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  log(`${what} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

async function remakeIndexes(client: postgres.Sql, dropped: readonly DroppedIndex[]): Promise<void> {
  for (const { name, seconds } of await recreateIndexes(client, dropped)) log(`  ${name}: ${seconds.toFixed(1)} s`);
}

/**
 * Streams the catalogue in batches: each batch is embedded once and written to every backend that wants it,
 * PostgreSQL by COPY, PGlite by INSERT (it takes COPY from a blob only). Times each part.
 */
async function load(backends: { name: string; handle: DbHandle; n: number }[], embedder: Embedder, copyClient: postgres.Sql): Promise<void> {
  const started = performance.now();
  const seconds = { embed: 0, copyAssets: 0, copyEmbeddings: 0, insert: 0 };
  for (let offset = 0; offset < N; offset += BATCH) {
    const products = Array.from({ length: Math.min(BATCH, N - offset) }, (_, i) => syntheticProduct(offset + i));
    const texts = products.map((p) => embeddingInput({ altText: p.altText, tags: p.tags, filename: '' }));
    let partStarted = performance.now();
    const vectors = await embedOnce(embedder, texts);
    const hashes = texts.map(inputHash);
    seconds.embed += (performance.now() - partStarted) / 1000;
    for (const backend of backends) {
      if (offset >= backend.n) continue;
      if (backend.handle.driver === 'postgres') {
        const copied = await copyProducts(copyClient, embedder, products, vectors, hashes);
        seconds.copyAssets += copied.assetsSeconds;
        seconds.copyEmbeddings += copied.embeddingsSeconds;
      } else {
        partStarted = performance.now();
        await loadProducts(backend.handle.db, embedder, products, vectors, hashes);
        seconds.insert += (performance.now() - partStarted) / 1000;
      }
    }
    if ((offset / BATCH) % 50 === 49) log(`  loaded ${offset + products.length} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
  log(
    `loaded in ${((performance.now() - started) / 1000).toFixed(1)} s: embedding ${seconds.embed.toFixed(1)} s, ` +
      `PostgreSQL COPY assets ${seconds.copyAssets.toFixed(1)} s + asset_embeddings ${seconds.copyEmbeddings.toFixed(1)} s, PGlite INSERT ${seconds.insert.toFixed(1)} s`,
  );
}

/** Each distinct text is embedded once per run (a catalogue repeats its texts); the cache holds vectors, not rows. */
const embedded = new Map<string, Float32Array>();
const EMBED_CACHE = 50_000;
async function embedOnce(embedder: Embedder, texts: readonly string[]): Promise<Float32Array[]> {
  let missing = [...new Set(texts.filter((text) => !embedded.has(text)))];
  // Bounded: a long run forgets old texts rather than hold every vector it has seen (this batch's included, so
  // they are all embedded again).
  if (embedded.size + missing.length > EMBED_CACHE) {
    embedded.clear();
    missing = [...new Set(texts)];
  }
  if (missing.length > 0) {
    const result = await embedder.embed(missing);
    if (!result.ok) throw new Error(result.message);
    missing.forEach((text, i) => embedded.set(text, result.vectors[i]));
  }
  return texts.map((text) => embedded.get(text) as Float32Array);
}

/** Build seconds and size of each backend's HNSW index, for the summary line. */
const indexFacts = new Map<string, { seconds: number; megabytes: number }>();

async function buildIndex(name: string, handle: DbHandle, embedder: Embedder): Promise<void> {
  const started = performance.now();
  await handle.db.transaction((tx) => ensureVectorIndex(tx, { id: MODEL_ID, dimensions: embedder.dimensions }));
  const seconds = (performance.now() - started) / 1000;
  // A library in use has been vacuumed: the full-text index's pending list is merged, statistics are fresh.
  await handle.db.execute(sql`vacuum analyze`);
  const [size] = await rows<{ bytes: string }>(handle.db, sql`select pg_relation_size(${vectorIndexName(MODEL_ID)}::regclass)::text as bytes`);
  const megabytes = Number(size.bytes) / 1024 / 1024;
  indexFacts.set(name, { seconds, megabytes });
  log(`${name}: HNSW index built (or checked) in ${seconds.toFixed(1)} s, ${megabytes.toFixed(0)} MB; vacuumed in ${((performance.now() - started) / 1000 - seconds).toFixed(1)} s`);
}

async function measure(name: string, n: number, handle: DbHandle, embedder: Embedder): Promise<void> {
  const db = handle.db;
  const queries = Array.from({ length: QUERIES }, (_, i) => syntheticQuery(i));
  const model = { id: MODEL_ID, dimensions: embedder.dimensions };

  const pageSize = 24;
  const window = candidateWindow(0, pageSize);
  const searchMs = await timeEach(queries, async (q) => {
    const result = await searchAssets(db, { q, filters: {}, limit: pageSize });
    if (!result.ok || result.hits.length === 0 || result.notices.length > 0) throw new Error(`search "${q}" failed: ${JSON.stringify(result).slice(0, 300)}`);
  });
  const embeddedQueries = await embedder.embed(queries);
  if (!embeddedQueries.ok) throw new Error(embeddedQueries.message);
  const vectors = embeddedQueries.vectors;
  const indices = queries.map((_, i) => i);
  const embedMs = await timeEach(queries, (q) => embedder.embed([q]));
  const hnswMs = await timeEach(indices, (i) => vectorTopK(db, model, vectors[i], { k: 10, exact: false, candidates: window }));
  const exactMs = await timeEach(indices.slice(0, 50), (i) => vectorTopK(db, model, vectors[i], { k: 10, exact: true }), 2);

  /** Time and recall@10 of the vector query as search runs it, against the exact ranking, under a filter. */
  const filtered = async (filterOf: (i: number) => AssetFilter) => {
    const recall: number[] = [];
    const fill: number[] = [];
    const durations: number[] = [];
    for (const i of indices) {
      const filters = filterOf(i);
      const started = performance.now();
      const approximate = await vectorTopK(db, model, vectors[i], { k: 10, exact: false, filters, candidates: window });
      durations.push(performance.now() - started);
      const exact = await vectorTopK(db, model, vectors[i], { k: 10, exact: true, filters });
      recall.push(recallAtK(approximate, exact, 10));
      fill.push(approximate.length / Math.max(1, exact.length));
    }
    return { recall, fill, durations };
  };
  const unfiltered = await filtered(() => ({}));
  // A selective filter (one article tag, about 3% of the catalogue) must still fill the page.
  const tag = await filtered((i) => ({ tag: syntheticProduct(i * 101).tags[0] }));
  // A collection (one material, about 8%) of approved photos (2 in 7): about 2%.
  const collection = await filtered((i) => ({ collection: syntheticProduct(i * 103).collection, status: 'approved' }));
  const worst = unfiltered.recall.slice(0, WORST_OF);

  log(`\n${name} (${n.toLocaleString('en')} assets)`);
  log(`  search end to end (embed + hybrid):  p50 ${ms(percentile(searchMs, 0.5))}  p95 ${ms(percentile(searchMs, 0.95))}`);
  log(`    of which query embedding:         p50 ${ms(percentile(embedMs, 0.5))}`);
  log(`  vector top-10 as search reads it:    p50 ${ms(percentile(hnswMs, 0.5))}  p95 ${ms(percentile(hnswMs, 0.95))}`);
  log(`  vector top-10, exact (baseline):     p50 ${ms(percentile(exactMs, 0.5))}  -> search's read is ${(percentile(exactMs, 0.5) / percentile(hnswMs, 0.5)).toFixed(1)}x faster`);
  log(`  pages filled under the tag filter:   ${(mean(tag.fill) * 100).toFixed(1)}%, under collection + status ${(mean(collection.fill) * 100).toFixed(1)}%`);
  log(`search p50 ${ms(percentile(searchMs, 0.5))} recall@10 ${mean(unfiltered.recall).toFixed(3)}`);
  log(`filtered 3% tag: p50 ${ms(percentile(tag.durations, 0.5))} recall@10 ${mean(tag.recall).toFixed(3)}`);
  log(`filtered collection+status: p50 ${ms(percentile(collection.durations, 0.5))} recall@10 ${mean(collection.recall).toFixed(3)}`);
  log(`worst recall@10: ${Math.min(...worst).toFixed(2)} (mean ${mean(worst).toFixed(3)}; of all ${unfiltered.recall.length} queries: min ${Math.min(...unfiltered.recall).toFixed(2)}, ${unfiltered.recall.filter((r) => r < 0.6).length} below 0.6)`);
  const lowest = indices.filter((i) => unfiltered.recall[i] < 1).sort((a, b) => unfiltered.recall[a] - unfiltered.recall[b]).slice(0, 5);
  if (lowest.length > 0) log(`  lowest recall: ${lowest.map((i) => `#${i} "${queries[i]}" ${unfiltered.recall[i].toFixed(2)}`).join(', ')}`);
  const facts = indexFacts.get(name);
  const size = n >= 1_000_000 ? `${n / 1_000_000}M` : `${Math.round(n / 1000)}k`;
  log(`${size}: p50 ${ms(percentile(searchMs, 0.5))} recall@10 ${mean(unfiltered.recall).toFixed(3)} index ${facts ? facts.megabytes.toFixed(0) : '?'} MB`);
  log(`  (${size}: search p95 ${ms(percentile(searchMs, 0.95))}, vector read p95 ${ms(percentile(hnswMs, 0.95))}, index built in ${facts ? facts.seconds.toFixed(1) : '?'} s)`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
