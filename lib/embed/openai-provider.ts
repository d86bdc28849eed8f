import { z } from 'zod';
import { normalize } from './normalize';
import type { Embedder, EmbedderResult, EmbedResult } from './types';

/** Any OpenAI-compatible `POST {baseUrl}/embeddings` (OpenAI, Ollama, vLLM, ...). */
export interface OpenAiModelOptions {
  id: string;
  model: string;
  baseUrl: string;
  apiKey?: string;
  /** Asked of models that can shorten their vectors (text-embedding-3-*); otherwise the model's own size. */
  dimensions?: number;
  timeoutMs?: number;
}

const responseSchema = z.object({
  data: z.array(z.object({ index: z.number().int().min(0), embedding: z.array(z.number()) })),
});

export async function loadOpenAiEmbedder(options: OpenAiModelOptions): Promise<EmbedderResult> {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/embeddings`;
  const embed = async (texts: string[], signal?: AbortSignal): Promise<EmbedResult> => {
    if (texts.length === 0) return { ok: true, vectors: [] };
    const timeout = AbortSignal.timeout(options.timeoutMs ?? 30_000);
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
        },
        body: JSON.stringify({
          model: options.model,
          input: texts,
          encoding_format: 'float',
          ...(options.dimensions ? { dimensions: options.dimensions } : {}),
        }),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      return { ok: false, kind: 'unavailable', message: `The embedding endpoint ${url} is unreachable: ${(error as Error).message}` };
    }
    if (!response.ok) {
      const kind = response.status === 429 || response.status >= 500 ? 'unavailable' : 'failed';
      return { ok: false, kind, message: `The embedding endpoint answered ${response.status} ${response.statusText}.` };
    }
    const parsed = responseSchema.safeParse(await response.json().catch(() => null));
    if (!parsed.success || parsed.data.data.length !== texts.length) {
      return { ok: false, kind: 'failed', message: 'The embedding endpoint answered with an unexpected body.' };
    }
    const vectors: Float32Array[] = new Array(texts.length);
    for (const item of parsed.data.data) vectors[item.index] = normalize(Float32Array.from(item.embedding));
    if (vectors.some((v) => v === undefined)) {
      return { ok: false, kind: 'failed', message: 'The embedding endpoint skipped some inputs.' };
    }
    return { ok: true, vectors };
  };
  const probe = await embed(['probe']);
  if (!probe.ok) return probe;
  const embedder: Embedder = { id: options.id, dimensions: probe.vectors[0].length, embed };
  return { ok: true, embedder };
}
