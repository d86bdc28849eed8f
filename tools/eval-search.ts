import path from 'node:path';
import { parseArgs } from 'node:util';
import { openPglite } from '@/db/client';
import { config } from '@/lib/config';
import { embeddingInput, inputHash, loadLocalEmbedder } from '@/lib/embed';
import { searchAssets, type Signal } from '@/lib/search';
import { loadProducts, prepareCatalogueDb } from '@/tools/bench/search/load-catalogue';
import { mean, ndcgAtK, relevantRecallAtK } from '@/tools/bench/search/stats';
import { filenameOnlySearch } from '@/tools/eval/search/filename-baseline';
import { asCatalogueProduct, metadataQueries, readProducts } from '@/tools/eval/search/product-fixtures';
import { fixturesAvailable } from '@/test/fixtures';

/**
 * npm run eval:search [-- --model-dir <folder>]
 *
 * Loads ../shared/fixtures/products (display name as alt text) into an in-memory PGlite, embeds it with the local
 * model (the stand-in unless EMBEDDING_MODEL_DIR or --model-dir says otherwise), asks one query per colour +
 * article type ("navy blue backpacks"; relevant: that colour and type) and per article type alone, and reports
 * recall@10 and nDCG@10 for filename only, full text only, vector only and hybrid.
 */

const { values: args } = parseArgs({ options: { 'model-dir': { type: 'string' } } });
const modelDir = path.resolve(args['model-dir'] ?? config().embedding.modelDir ?? path.join(process.cwd(), '..', 'shared', 'models', 'wordnet-static-256'));
const K = 10;

const METHODS: { name: string; signals: readonly Signal[] | 'filename' }[] = [
  { name: 'filename only', signals: 'filename' },
  { name: 'full text only', signals: ['text'] },
  { name: 'vector only', signals: ['vector'] },
  { name: 'hybrid (RRF + exact)', signals: ['vector', 'text', 'exact'] },
];

async function main(): Promise<void> {
  if (!fixturesAvailable()) throw new Error('../shared/fixtures is missing: eval:search needs products/products.csv');
  const modelId = path.basename(modelDir);
  const loaded = await loadLocalEmbedder({ id: modelId, model: modelId, modelDir, cacheDir: config().embedding.cacheDir });
  if (!loaded.ok) throw new Error(`${loaded.message} (pass --model-dir)`);
  const embedder = loaded.embedder;

  const rows = readProducts();
  const products = rows.map(asCatalogueProduct);
  const texts = products.map((p) => embeddingInput(p));
  const embedded = await embedder.embed(texts);
  if (!embedded.ok) throw new Error(embedded.message);
  const handle = await openPglite();
  try {
    await prepareCatalogueDb(handle, embedder, modelDir);
    await loadProducts(handle.db, embedder, products, embedded.vectors, texts.map(inputHash));

    process.stdout.write(`eval:search  ${products.length} products from ../shared/fixtures/products, model ${modelId}\n`);
    for (const family of ['colour + type', 'type'] as const) {
      const queries = metadataQueries(rows, family);
      const avgRelevant = mean(queries.map((q) => q.relevant.size));
      process.stdout.write(
        `\nqueries: ${family} (${queries.length}, ${avgRelevant.toFixed(1)} relevant each on average)\n` +
          `${'method'.padEnd(24)}${'recall@10'.padStart(10)}${'nDCG@10'.padStart(10)}\n`,
      );
      for (const method of METHODS) {
        const recall: number[] = [];
        const ndcg: number[] = [];
        for (const query of queries) {
          const ranked =
            method.signals === 'filename' ? await filenameOnlySearch(handle.db, query.text, K) : await rankedFilenames(handle.db, query.text, method.signals);
          recall.push(relevantRecallAtK(ranked, query.relevant, K));
          ndcg.push(ndcgAtK(ranked, query.relevant, K));
        }
        process.stdout.write(`${method.name.padEnd(24)}${mean(recall).toFixed(3).padStart(10)}${mean(ndcg).toFixed(3).padStart(10)}\n`);
      }
    }
  } finally {
    await handle.close();
  }
}

async function rankedFilenames(db: Parameters<typeof searchAssets>[0], q: string, signals: readonly Signal[]): Promise<string[]> {
  const result = await searchAssets(db, { q, filters: {}, limit: K, signals });
  if (!result.ok) throw new Error(result.message);
  return result.hits.map((hit) => hit.asset.filename);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
