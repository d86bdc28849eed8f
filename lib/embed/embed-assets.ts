import { and, asc, eq, gt, inArray, ne } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { assetEmbeddings, assets, jobs } from '@/db/schema';
import { writableModels, type WritableModel } from './embedders';
import { embeddingInput, inputHash } from './input';
import { activateIfComplete, embeddable } from './models';
import { storeVectors } from './store';
import type { EmbedFailure } from './types';

export type EmbedOutcome = { ok: true; embedded: number; unchanged: number } | EmbedFailure;

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

export interface BackfillProgress {
  embedded: number;
  /** Models that became active during this run. */
  activated: string[];
}

/**
 * Brings every live model's vectors up to date: embeds assets that lack one and assets whose input changed since
 * (an edit whose re-embed failed), reading the library in pages (never all of it in memory) and calling the
 * model only for those. Then activates a building model once it is complete. Run by `npm run embed:backfill`;
 * safe to run on many instances at once.
 */
export async function backfillEmbeddings(db: Db, options: { pageSize?: number; signal?: AbortSignal } = {}): Promise<{ ok: true; progress: BackfillProgress } | EmbedFailure> {
  const pageSize = options.pageSize ?? 100;
  const writable = await writableModels(db);
  if (!writable.ok) return writable;
  const progress: BackfillProgress = { embedded: 0, activated: [] };
  for (const target of writable.models) {
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      if (options.signal?.aborted) return { ok: true, progress };
      const page = await db
        .select(sourceColumns)
        .from(assets)
        .where(and(gt(assets.id, after), embeddable(assets.state)))
        .orderBy(asc(assets.id))
        .limit(pageSize);
      if (page.length === 0) break;
      const result = await embedRows(db, page, [target], options.signal);
      if (!result.ok) return result;
      progress.embedded += result.embedded;
      after = page[page.length - 1].id;
    }
    if (target.model.status === 'building' && (await activateIfComplete(db, target.model.id))) progress.activated.push(target.model.id);
  }
  return { ok: true, progress };
}
