import { config } from '@/lib/config';
import { loadLocalEmbedder } from './local-provider';
import { loadOpenAiEmbedder } from './openai-provider';
import type { EmbedderResult, ModelSpec } from './types';

/** The model this instance is configured to embed with (EMBEDDING_* variables); its id is EMBEDDING_MODEL. */
export function configuredModel(): { id: string; spec: ModelSpec } {
  const { embedding } = config();
  const spec: ModelSpec =
    embedding.provider === 'openai' && embedding.baseUrl
      ? { provider: 'openai', model: embedding.model, baseUrl: embedding.baseUrl, dimensions: embedding.dimensions }
      : { provider: 'local', model: embedding.model, modelDir: embedding.modelDir };
  return { id: embedding.model, spec };
}

// A failed load is remembered briefly, so a search typed letter by letter does not retry the load each time.
const FAILURE_MEMORY_MS = 30_000;
const loaded = new Map<string, { result: Promise<EmbedderResult>; failedAt?: number }>();

/** The embedder for a model, loaded once per process; a failure is a value, retried after a while. */
export function embedderFor(id: string, spec: ModelSpec): Promise<EmbedderResult> {
  const key = JSON.stringify([id, spec]);
  const cached = loaded.get(key);
  if (cached && (cached.failedAt === undefined || Date.now() - cached.failedAt < FAILURE_MEMORY_MS)) return cached.result;
  const entry: { result: Promise<EmbedderResult>; failedAt?: number } = { result: load(id, spec) };
  loaded.set(key, entry);
  void entry.result.then((result) => {
    if (!result.ok) entry.failedAt = Date.now();
  });
  return entry.result;
}

function load(id: string, spec: ModelSpec): Promise<EmbedderResult> {
  const { embedding } = config();
  if (spec.provider === 'openai') {
    // The key is never stored with the model: it is the configured one, and only for the configured endpoint.
    const apiKey = spec.baseUrl === embedding.baseUrl ? embedding.apiKey : undefined;
    return loadOpenAiEmbedder({ id, model: spec.model, baseUrl: spec.baseUrl, apiKey, dimensions: spec.dimensions });
  }
  return loadLocalEmbedder({ id, model: spec.model, modelDir: spec.modelDir, cacheDir: embedding.cacheDir });
}
