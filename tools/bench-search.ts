import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { openPglite, openPostgres, type DbHandle } from '@/db/client';
import { config } from '@/lib/config';
import { embeddingInput, ensureVectorIndex, inputHash, loadLocalEmbedder, vectorIndexName, type Embedder } from '@/lib/embed';
import { candidateWindow, searchAssets } from '@/lib/search';
import { loadProducts, prepareCatalogueDb } from '@/tools/bench/search/load-catalogue';
import { mean, percentile, recallAtK } from '@/tools/bench/search/stats';
import { timeEach, vectorTopK } from '@/tools/bench/search/measure';
import { syntheticProduct, syntheticQuery } from '@/tools/bench/search/synthetic-catalogue';

/**
 * npm run bench:search [-- --n 100000 --pglite-n 20000 --queries 200 --keep --reuse]  (--pglite-n 0: PostgreSQL only)
 *
 * Loads N synthetic catalogue assets, embedded with the stand-in model (real, clustered vectors), into
 * PostgreSQL + pgvector (a database `loupe_bench` created and dropped on BENCH_DATABASE_URL's server) and into an
 * in-memory PGlite, then reports per backend: p50/p95 of a whole search (query embedding + hybrid query), the
 * HNSW vector query against the exact one measured in the same run (ratio), and recall@10 of HNSW vs exact,
 * unfiltered and under a selective tag filter.
 */

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '100000' },
    'pglite-n': { type: 'string', default: '20000' },
    queries: { type: 'string', default: '200' },
    'model-dir': { type: 'string' },
    /** Leave loupe_bench in place afterwards, to look at plans with psql. */
    keep: { type: 'boolean', default: false },
    /** Measure a loupe_bench kept by an earlier --keep run again (PostgreSQL only), without reloading it. */
    reuse: { type: 'boolean', default: false },
  },
});
const N = Number(args.n);
const PGLITE_N = Math.min(N, Number(args['pglite-n']));
const QUERIES = Number(args.queries);
const BATCH = 1000;
const BENCH_DB = 'loupe_bench';
const MODEL_ID = 'wordnet-static-256';
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
    // The HNSW build keeps its graph in memory when it fits: far faster than spilling.
    await admin.unsafe(`alter database ${BENCH_DB} set maintenance_work_mem = '1GB'`);
  }
  const benchUrl = new URL(config().benchDatabaseUrl);
  benchUrl.pathname = `/${BENCH_DB}`;
  const pg = await openPostgres(benchUrl.toString(), { max: 2 });
  const lite = await openPglite();
  try {
    const backends = [
      { name: 'PostgreSQL', handle: pg, n: N },
      { name: 'PGlite', handle: lite, n: args.reuse ? 0 : PGLITE_N },
    ].filter((backend) => backend.n > 0);
    if (!args.reuse) {
      for (const backend of backends) await prepare(backend.handle, embedder);
      await load(backends, embedder);
    }
    for (const backend of backends) await buildIndex(backend.name, backend.handle, embedder);
    for (const backend of backends) await measure(backend.name, backend.n, backend.handle, embedder);
  } finally {
    await pg.close();
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

/** Streams the catalogue in batches: each batch is embedded once and written to every backend that wants it. */
async function load(backends: { name: string; handle: DbHandle; n: number }[], embedder: Embedder): Promise<void> {
  const started = performance.now();
  for (let offset = 0; offset < N; offset += BATCH) {
    const products = Array.from({ length: Math.min(BATCH, N - offset) }, (_, i) => syntheticProduct(offset + i));
    const texts = products.map((p) => embeddingInput({ altText: p.altText, tags: p.tags, filename: p.filename }));
    const embedded = await embedder.embed(texts);
    if (!embedded.ok) throw new Error(embedded.message);
    const hashes = texts.map(inputHash);
    for (const backend of backends) {
      if (offset < backend.n) await loadProducts(backend.handle.db, embedder, products, embedded.vectors, hashes);
    }
    if ((offset / BATCH) % 10 === 9) log(`  loaded ${offset + products.length} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
  log(`loaded in ${((performance.now() - started) / 1000).toFixed(1)} s (embedding included)`);
}

async function buildIndex(name: string, handle: DbHandle, embedder: Embedder): Promise<void> {
  const started = performance.now();
  await handle.db.transaction((tx) => ensureVectorIndex(tx, { id: MODEL_ID, dimensions: embedder.dimensions }));
  // A library in use has been vacuumed: the full-text index's pending list is merged, statistics are fresh.
  await handle.db.execute(sql`vacuum analyze`);
  log(`${name}: HNSW index built (or checked) and vacuumed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
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
  const embedded = await embedder.embed(queries);
  if (!embedded.ok) throw new Error(embedded.message);
  const vectors = embedded.vectors;
  const indices = queries.map((_, i) => i);
  const embedMs = await timeEach(queries, (q) => embedder.embed([q]));
  const hnswMs = await timeEach(indices, (i) => vectorTopK(db, model, vectors[i], { k: 10, exact: false, candidates: window }));
  const exactMs = await timeEach(indices.slice(0, 50), (i) => vectorTopK(db, model, vectors[i], { k: 10, exact: true }), 2);

  const recall: number[] = [];
  const filteredRecall: number[] = [];
  const filteredFill: number[] = [];
  const filteredMs: number[] = [];
  for (const i of indices) {
    const [approximate, exact] = await Promise.all([
      vectorTopK(db, model, vectors[i], { k: 10, exact: false, candidates: window }),
      vectorTopK(db, model, vectors[i], { k: 10, exact: true }),
    ]);
    recall.push(recallAtK(approximate, exact, 10));
    // A selective filter (one article tag, about 3% of the catalogue) must still fill the page.
    const filters = { tag: syntheticProduct(i * 101).tags[0] };
    const started = performance.now();
    const approxFiltered = await vectorTopK(db, model, vectors[i], { k: 10, exact: false, filters, candidates: window });
    filteredMs.push(performance.now() - started);
    const exactFiltered = await vectorTopK(db, model, vectors[i], { k: 10, exact: true, filters });
    filteredRecall.push(recallAtK(approxFiltered, exactFiltered, 10));
    filteredFill.push(approxFiltered.length / Math.max(1, exactFiltered.length));
  }

  log(`\n${name} (${n.toLocaleString('en')} assets)`);
  log(`  search end to end (embed + hybrid):  p50 ${ms(percentile(searchMs, 0.5))}  p95 ${ms(percentile(searchMs, 0.95))}`);
  log(`    of which query embedding:         p50 ${ms(percentile(embedMs, 0.5))}`);
  log(`  vector top-10, HNSW:                 p50 ${ms(percentile(hnswMs, 0.5))}  p95 ${ms(percentile(hnswMs, 0.95))}`);
  log(`  vector top-10, exact (baseline):     p50 ${ms(percentile(exactMs, 0.5))}  -> HNSW is ${(percentile(exactMs, 0.5) / percentile(hnswMs, 0.5)).toFixed(1)}x faster`);
  log(`  recall@10 HNSW vs exact:             ${mean(recall).toFixed(3)} (min ${Math.min(...recall).toFixed(1)})`);
  log(`  recall@10 with a 3% tag filter:      ${mean(filteredRecall).toFixed(3)}, pages filled ${(mean(filteredFill) * 100).toFixed(1)}%, p50 ${ms(percentile(filteredMs, 0.5))}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
