import type { Db } from '@/db/client';
import { recordModelAvailable, recordModelUnavailable } from './availability';
import { activeModel, liveModels, modelSpec, registerModel, type LiveModel } from './models';
import { configuredModel, embedderFor } from './provider';
import type { Embedder, EmbedderResult, EmbedFailure } from './types';
import type { Result } from '@/lib/result';

/**
 * Which embedders to use: the configured model (registered on first use) for writing, plus whatever model is
 * still active while the configured one builds, so new and edited assets stay findable during a switch.
 */

const registered = new Map<string, Promise<EmbedderResult>>();

/** The configured model's embedder, its registry row and index ensured once per process. */
export function configuredEmbedder(db: Db): Promise<EmbedderResult> {
  const { id, spec } = configuredModel();
  const key = JSON.stringify([id, spec]);
  let entry = registered.get(key);
  if (!entry) {
    entry = register(db, id);
    registered.set(key, entry);
    // Failures are not kept: the model may become reachable (embedderFor spaces out the retries).
    void entry.then((result) => {
      if (!result.ok) registered.delete(key);
    });
  }
  return entry;
}

/** Loads and registers the configured model, and records for everyone whether it loaded (availability.ts). */
async function register(db: Db, id: string): Promise<EmbedderResult> {
  const { spec } = configuredModel();
  const loaded = await embedderFor(id, spec);
  if (!loaded.ok) {
    if (loaded.kind === 'unavailable') await recordModelUnavailable(db, id, loaded.message);
    return loaded;
  }
  await recordModelAvailable(db);
  const result = await registerModel(db, id, loaded.embedder.dimensions, spec);
  return result.ok ? loaded : result;
}

/** Whether the configured model loads now (a failed load is tried again at most every 30 s, see provider.ts). */
export async function configuredModelLoads(db: Db): Promise<boolean> {
  return (await configuredEmbedder(db)).ok;
}

/** The embedder for a registered model: the configured one, or one rebuilt from the spec stored with the model. */
export async function embedderForModel(db: Db, model: LiveModel): Promise<EmbedderResult> {
  const configured = configuredModel();
  if (model.id === configured.id) return configuredEmbedder(db);
  const spec = await modelSpec(db, model.id);
  if (!spec) return { ok: false, kind: 'unavailable', message: `No way to reach the embedding model ${model.id} is recorded.` };
  return embedderFor(model.id, spec);
}

export interface WritableModel {
  model: LiveModel;
  embedder: Embedder;
}

/** Every live model this instance can embed with; fails only when the configured model itself is unavailable. */
export async function writableModels(db: Db): Promise<Result<{ models: WritableModel[] }, EmbedFailure>> {
  const configured = await configuredEmbedder(db);
  if (!configured.ok) return configured;
  const result: WritableModel[] = [];
  for (const model of await liveModels(db)) {
    const loaded = await embedderForModel(db, model);
    if (loaded.ok && loaded.embedder.dimensions === model.dimensions) result.push({ model, embedder: loaded.embedder });
  }
  return { ok: true, models: result };
}

/** The model search uses, with its embedder for the query; null when no model has been registered yet. */
export async function searchModel(db: Db): Promise<Result<{ model: LiveModel; embedder: Embedder }, EmbedFailure> | null> {
  let model = await activeModel(db);
  if (!model) {
    // A fresh library: registering the configured model makes it active, so the first search can use it.
    const configured = await configuredEmbedder(db);
    if (!configured.ok) return configured;
    model = await activeModel(db);
    if (!model) return null;
  }
  const loaded = await embedderForModel(db, model);
  if (!loaded.ok) return loaded;
  return { ok: true, model, embedder: loaded.embedder };
}
