import path from 'node:path';
import type { FeatureExtractionPipeline } from '@huggingface/transformers';
import { normalize } from './normalize';
import type { Embedder, EmbedderResult, EmbedResult } from './types';

/**
 * In-process sentence embeddings with transformers.js.
 *
 * `modelDir` is the model folder itself (the one holding config.json, tokenizer.json and onnx/), e.g.
 * `../shared/models/wordnet-static-256`. transformers.js resolves local models as `localModelPath/<name>`, so
 * the folder's parent becomes `localModelPath` and its basename the name loaded; nothing is downloaded.
 * Without `modelDir`, the model id (e.g. `Xenova/all-MiniLM-L6-v2`) is downloaded once into `cacheDir`.
 */
export interface LocalModelOptions {
  id: string;
  model: string;
  modelDir?: string;
  cacheDir: string;
}

// transformers.js keeps localModelPath and allowRemoteModels in one global `env`: loads run one at a time.
let loadQueue: Promise<unknown> = Promise.resolve();

async function loadPipeline(options: LocalModelOptions): Promise<FeatureExtractionPipeline> {
  const { pipeline, env } = await import('@huggingface/transformers');
  const run = loadQueue.then(async () => {
    if (options.modelDir) {
      env.allowLocalModels = true;
      env.allowRemoteModels = false;
      env.localModelPath = path.dirname(options.modelDir) + path.sep;
      return pipeline('feature-extraction', path.basename(options.modelDir), { dtype: 'q8', local_files_only: true });
    }
    env.allowRemoteModels = true;
    return pipeline('feature-extraction', options.model, { dtype: 'q8', cache_dir: options.cacheDir });
  });
  loadQueue = run.catch(() => undefined);
  return run;
}

export async function loadLocalEmbedder(options: LocalModelOptions): Promise<EmbedderResult> {
  let extractor: FeatureExtractionPipeline;
  try {
    extractor = await loadPipeline(options);
  } catch (error) {
    const where = options.modelDir ? `from ${options.modelDir}` : `(download into ${options.cacheDir})`;
    return {
      ok: false,
      kind: 'unavailable',
      message: `The embedding model ${options.model} could not be loaded ${where}: ${errorMessage(error).replace(/\.+$/, '')}. ` +
        'Set EMBEDDING_MODEL_DIR to a local copy of the model on machines without internet.',
    };
  }
  const embed = async (texts: string[]): Promise<EmbedResult> => {
    if (texts.length === 0) return { ok: true, vectors: [] };
    try {
      const output = await extractor(texts, { pooling: 'mean', normalize: true });
      const [rowsCount, width] = output.dims as [number, number];
      const data = output.data as Float32Array;
      const vectors = Array.from({ length: rowsCount }, (_, i) => normalize(data.slice(i * width, (i + 1) * width)));
      return { ok: true, vectors };
    } catch (error) {
      return { ok: false, kind: 'failed', message: `The local embedding model failed: ${errorMessage(error)}` };
    }
  };
  const probe = await embed(['probe']);
  if (!probe.ok) return probe;
  const embedder: Embedder = { id: options.id, dimensions: probe.vectors[0].length, embed };
  return { ok: true, embedder };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
