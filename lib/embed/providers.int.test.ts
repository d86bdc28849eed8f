import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeEmbeddingsServer, type FakeEmbeddingsServer } from '@/test/fake-embeddings-server';
import { STAND_IN_MODEL_DIR, standInModelAvailable } from '@/test/stand-in-embedding-model';
import { loadLocalEmbedder } from './local-provider';
import { loadOpenAiEmbedder } from './openai-provider';

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i], 0);

describe.skipIf(!standInModelAvailable())('embedding providers', () => {
  let fake: FakeEmbeddingsServer;
  beforeAll(async () => {
    fake = await startFakeEmbeddingsServer({ dimensions: 64 });
  });
  afterAll(() => fake.close());

  it('local: loads the model folder EMBEDDING_MODEL_DIR points at and ranks related texts higher', async () => {
    const loaded = await loadLocalEmbedder({ id: 'stand-in', model: 'wordnet-static-256', modelDir: STAND_IN_MODEL_DIR, cacheDir: '/nonexistent' });
    if (!loaded.ok) throw new Error(loaded.message);
    expect(loaded.embedder.dimensions).toBe(256);
    const result = await loaded.embedder.embed(['navy backpack', 'blue bag', 'red dress']);
    if (!result.ok) throw new Error(result.message);
    const [query, related, unrelated] = result.vectors;
    expect(cosine(query, query)).toBeCloseTo(1, 4);
    expect(cosine(query, related)).toBeGreaterThan(cosine(query, unrelated) + 0.3);
  });

  it('local: a missing model folder is an "unavailable" result, not an exception', async () => {
    const loaded = await loadLocalEmbedder({ id: 'missing', model: 'missing', modelDir: '/nonexistent/models/missing', cacheDir: '/nonexistent' });
    expect(loaded).toMatchObject({ ok: false, kind: 'unavailable' });
    expect(!loaded.ok && loaded.message).toContain('EMBEDDING_MODEL_DIR');
  });

  it('openai-compatible: embeds through /v1/embeddings with the key, at the endpoint size, normalised', async () => {
    const loaded = await loadOpenAiEmbedder({ id: 'fake', model: 'fake', baseUrl: fake.baseUrl, apiKey: fake.apiKey });
    if (!loaded.ok) throw new Error(loaded.message);
    expect(loaded.embedder.dimensions).toBe(64);
    const result = await loaded.embedder.embed(['running shoes', 'sneakers', 'wrist watch']);
    if (!result.ok) throw new Error(result.message);
    expect(cosine(result.vectors[0], result.vectors[0])).toBeCloseTo(1, 4);
    expect(cosine(result.vectors[0], result.vectors[1])).toBeGreaterThan(cosine(result.vectors[0], result.vectors[2]));
  });

  it('openai-compatible: a wrong key fails, an unreachable endpoint is unavailable', async () => {
    expect(await loadOpenAiEmbedder({ id: 'fake', model: 'fake', baseUrl: fake.baseUrl, apiKey: 'wrong' })).toMatchObject({ ok: false, kind: 'failed' });
    expect(await loadOpenAiEmbedder({ id: 'fake', model: 'fake', baseUrl: 'http://127.0.0.1:9/v1' })).toMatchObject({ ok: false, kind: 'unavailable' });
  });
});
