import { and, asc, eq, gt, inArray, ne } from 'drizzle-orm';
import { uploadedSql } from '@/lib/filters';
import type { Db } from '@/db/client';
import { assetEmbeddings, assets, jobs } from '@/db/schema';
import { writableModels, type WritableModel } from './embedders';
import { embeddingInput, inputHash } from './input';
import { activateIfComplete, liveModels } from './models';
import { storeVectors } from './store';
import type { EmbedFailure } from './types';
import type { Result } from '@/lib/result';

export type EmbedOutcome = Result<{ embedded: number; unchanged: number }, EmbedFailure>;

interface SourceRow {
  id: string;
  version: number;
  filename: string;
  altText: string | null;
  tags: string[];
}

const sourceColumns = { id: assets.id, version: assets.version, filename: assets.filename, altText: assets.altText, tags: assets.tags };

/**
 * Embeds the given assets with every live model whose stored input hash differs from the assets' current
 * input. Unchanged inputs cost one query and no model call, which is what makes `reembedAsset` cheap.
 */
async function embedRows(db: Db, sources: SourceRow[], models: WritableModel[], signal?: AbortSignal): Promise<EmbedOutcome> {
  if (sources.length === 0) return { ok: true, embedded: 0, unchanged: 0 };
  const stored = await db
    .select({ assetId: assetEmbeddings.assetId, model: assetEmbeddings.model, inputHash: assetEmbeddings.inputHash })
    .from(assetEmbeddings)
    .where(inArray(assetEmbeddings.assetId, sources.map((s) => s.id)));
  const storedHash = new Map(stored.map((row) => [`${row.assetId}/${row.model}`, row.inputHash]));
  const inputs = sources.map((source) => {
    const text = embeddingInput(source);
    return { source, text, hash: inputHash(text) };
  });
  let embedded = 0;
  let unchanged = 0;
  for (const { model, embedder } of models) {
    const stale = inputs.filter((input) => storedHash.get(`${input.source.id}/${model.id}`) !== input.hash);
    unchanged += inputs.length - stale.length;
    if (stale.length === 0) continue;
    const result = await embedder.embed(stale.map((input) => input.text), signal);
    if (!result.ok) return result;
    embedded += await storeVectors(
      db,
      model,
      stale.map((input, i) => ({
        assetId: input.source.id,
        version: input.source.version,
        filename: input.source.filename,
        vector: result.vectors[i],
        inputHash: input.hash,
      })),
    );
  }
  return { ok: true, embedded, unchanged };
}

/** Embeds one asset with every live model, skipping models whose vector is already current. */
export async function embedAsset(db: Db, assetId: string, signal?: AbortSignal): Promise<EmbedOutcome> {
  const writable = await writableModels(db);
  if (!writable.ok) return writable;
  const sources = await db.select(sourceColumns).from(assets).where(eq(assets.id, assetId));
  return embedRows(db, sources, writable.models, signal);
}

/**
 * Embeds one asset with one model (an embed job's key). A model that is retired, or that this instance cannot
 * reach besides the configured one, has nothing to do here. A building model that now has every vector becomes
 * the active one, once its last embed job is in.
 */
export async function embedAssetWithModel(db: Db, assetId: string, modelId: string, signal?: AbortSignal): Promise<EmbedOutcome> {
  const writable = await writableModels(db);
  if (!writable.ok) return writable;
  const target = writable.models.find(({ model }) => model.id === modelId);
  if (!target) return { ok: true, embedded: 0, unchanged: 0 };
  const sources = await db.select(sourceColumns).from(assets).where(eq(assets.id, assetId));
  const outcome = await embedRows(db, sources, [target], signal);
  if (outcome.ok && target.model.status === 'building' && !(await embedJobsOutstanding(db, modelId, assetId))) await activateIfComplete(db, modelId);
  return outcome;
}

/** Whether any other asset still has an embed job for the model that has not finished. */
async function embedJobsOutstanding(db: Db, modelId: string, exceptAssetId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: jobs.id })
    .from(jobs)
    .where(and(eq(jobs.kind, 'embed'), eq(jobs.key, modelId), inArray(jobs.status, ['pending', 'waiting', 'running']), ne(jobs.assetId, exceptAssetId)))
    .limit(1);
  return row !== undefined;
}

/** An asset whose vector from a live model is missing or was made from an older input. */
export interface StaleVector {
  assetId: string;
  modelId: string;
  inputHash: string;
}

/**
 * One page of the library (ids after `after`, in order) checked against every live model's stored input
 * hashes: the vectors to (re)make. Reads the library in pages, never all of it in memory; calls no model.
 */
export async function staleVectorsPage(db: Db, after: string, pageSize: number): Promise<{ stale: StaleVector[]; last: string | null }> {
  const models = await liveModels(db);
  const page = await db
    .select(sourceColumns)
    .from(assets)
    .where(and(gt(assets.id, after), uploadedSql('assets')))
    .orderBy(asc(assets.id))
    .limit(pageSize);
  if (page.length === 0) return { stale: [], last: null };
  const stored = await db
    .select({ assetId: assetEmbeddings.assetId, model: assetEmbeddings.model, inputHash: assetEmbeddings.inputHash })
    .from(assetEmbeddings)
    .where(inArray(assetEmbeddings.assetId, page.map((s) => s.id)));
  const storedHash = new Map(stored.map((row) => [`${row.assetId}/${row.model}`, row.inputHash]));
  const stale: StaleVector[] = [];
  for (const source of page) {
    const hash = inputHash(embeddingInput(source));
    for (const model of models) {
      if (storedHash.get(`${source.id}/${model.id}`) !== hash) stale.push({ assetId: source.id, modelId: model.id, inputHash: hash });
    }
  }
  return { stale, last: page[page.length - 1].id };
}
