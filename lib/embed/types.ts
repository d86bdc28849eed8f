import type { Failure, Result } from '@/lib/result';
/** One embedding model: turns texts into unit-length vectors of a fixed size. */
export interface Embedder {
  /** The model's id in `embedding_models` (vectors of different models never mix). */
  id: string;
  dimensions: number;
  embed(texts: string[], signal?: AbortSignal): Promise<EmbedResult>;
}

export type EmbedResult = Result<{ vectors: Float32Array[] }, EmbedFailure>;

/** `unavailable`: the model cannot be loaded or reached (offline, not configured); `failed`: it answered badly. */
export type EmbedFailure = Failure<{ kind: 'unavailable' | 'failed'; message: string }>;

export type EmbedderResult = Result<{ embedder: Embedder }, EmbedFailure>;

/** How to reach a model, without secrets: stored per model so the old one can still embed queries after a switch. */
export type ModelSpec =
  | { provider: 'local'; model: string; modelDir?: string }
  | { provider: 'openai'; model: string; baseUrl: string; dimensions?: number };
