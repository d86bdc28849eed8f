import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadLocalEmbedder } from '@/lib/embed';
import { STAND_IN_MODEL_DIR } from './stand-in-embedding-model';

/**
 * A faithful fake of an OpenAI-compatible `POST /v1/embeddings` on 127.0.0.1, for the real OpenAI-compatible
 * provider. Its vectors are the stand-in model's first `dimensions` components: meaningful (search still finds
 * things) and a different size from the stand-in's 256, as after a real model switch.
 */
export interface FakeEmbeddingsServer {
  baseUrl: string;
  apiKey: string;
  requests: number;
  close(): Promise<void>;
}

export async function startFakeEmbeddingsServer(options: { dimensions: number }): Promise<FakeEmbeddingsServer> {
  const loaded = await loadLocalEmbedder({ id: 'fake-backing', model: 'wordnet-static-256', modelDir: STAND_IN_MODEL_DIR, cacheDir: '' });
  if (!loaded.ok) throw new Error(loaded.message);
  const backing = loaded.embedder;
  const apiKey = 'sk-test-fake';
  const state = { requests: 0 };
  const server = http.createServer(async (request, response) => {
    const reply = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.method !== 'POST' || request.url !== '/v1/embeddings') return reply(404, { error: { message: 'not found' } });
    if (request.headers.authorization !== `Bearer ${apiKey}`) {
      return reply(401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } });
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { model?: string; input?: string | string[] };
    const input = typeof body.input === 'string' ? [body.input] : body.input;
    if (!body.model || !Array.isArray(input) || input.length === 0) {
      return reply(400, { error: { message: "'input' and 'model' are required", type: 'invalid_request_error' } });
    }
    state.requests++;
    const result = await backing.embed(input);
    if (!result.ok) return reply(500, { error: { message: result.message } });
    reply(200, {
      object: 'list',
      model: body.model,
      data: result.vectors.map((vector, index) => ({ object: 'embedding', index, embedding: Array.from(vector.slice(0, options.dimensions)) })),
      usage: { prompt_tokens: input.length, total_tokens: input.length },
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    apiKey,
    get requests() {
      return state.requests;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
