import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { providerState } from '@/db/schema';
import { useTestDatabase } from '@/test/db';
import { startFakeGroq, type FakeGroq } from '@/test/fake-groq';
import { checkVisionModel, runStartupModelCheck } from './model-check';
import { databaseBackoff } from './provider-state';
import { groqProvider, openAiCompatibleProvider } from './providers';

/** The model check against the fake's model list, and what the start-up check does to provider_state. */
describe('vision model check', () => {
  const database = useTestDatabase();
  let fake: FakeGroq;
  const silent = { info: () => {}, warn: () => {} };
  const groq = (model: string, apiKey = fake.apiKey) =>
    groqProvider({ apiKey, baseUrl: fake.url, model, reasoning: 'off', temperature: 0.2, maxTokens: 1024, timeoutMs: 2_000, maxRetryWaitMs: 10_000 });

  beforeAll(async () => {
    fake = await startFakeGroq();
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => fake.reset());

  it('a served vision model is ok and takes images', async () => {
    expect(await checkVisionModel(groq('qwen/qwen3.8-27b'))).toEqual({
      status: 'ok',
      provider: 'groq',
      model: 'qwen/qwen3.8-27b',
      images: true,
      message: 'groq serves qwen/qwen3.8-27b and takes images.',
    });
    expect(fake.requests.map((request) => request.path)).toEqual(['/openai/v1/models']);
  });

  it('an OpenAI-compatible endpoint is asked the same way (GET …/v1/models through the openai client)', async () => {
    const openai = openAiCompatibleProvider({ baseUrl: fake.openaiBaseUrl, apiKey: fake.apiKey, model: 'qwen/qwen3.6-27b', temperature: 0.2, maxTokens: 1024, timeoutMs: 2_000, maxRetryWaitMs: 10_000 });
    expect(await checkVisionModel(openai)).toMatchObject({ status: 'ok', provider: 'openai', images: true });
  });

  it('a retired model is missing, with the image models to set instead', async () => {
    expect(await checkVisionModel(groq('meta-llama/llama-4-scout-17b-16e-instruct'))).toEqual({
      status: 'missing',
      provider: 'groq',
      model: 'meta-llama/llama-4-scout-17b-16e-instruct',
      alternatives: ['qwen/qwen3.8-27b', 'qwen/qwen3.6-27b'],
      message: 'groq does not offer VISION_MODEL=meta-llama/llama-4-scout-17b-16e-instruct. Set VISION_MODEL to one of: qwen/qwen3.8-27b, qwen/qwen3.6-27b.',
    });
  });

  it('a text-only model is flagged: it cannot see photos', async () => {
    expect(await checkVisionModel(groq('openai/gpt-oss-120b'))).toMatchObject({
      status: 'no_images',
      message: expect.stringContaining('lists VISION_MODEL=openai/gpt-oss-120b as text-only'),
      alternatives: ['qwen/qwen3.8-27b', 'qwen/qwen3.6-27b'],
    });
  });

  it('a refused key names GROQ_API_KEY; an unreachable endpoint says it could not check', async () => {
    expect(await checkVisionModel(groq('qwen/qwen3.8-27b', 'gsk_wrong'))).toMatchObject({ status: 'invalid_key', message: expect.stringContaining('groq refused GROQ_API_KEY') });
    const nowhere = openAiCompatibleProvider({ baseUrl: 'http://127.0.0.1:9/v1', model: 'x', temperature: 0.2, maxTokens: 1024, timeoutMs: 2_000, maxRetryWaitMs: 10_000 });
    expect(await checkVisionModel(nowhere)).toMatchObject({ status: 'unreachable', provider: 'openai', message: expect.stringMatching(/^Could not ask openai for its model list/) });
    expect(await checkVisionModel(null)).toEqual({ status: 'no_provider' });
  });

  it('at start-up: a refused key blocks the provider; a served model lifts a model block but never a rate-limit block', async () => {
    const { db } = database();
    const backoff = databaseBackoff(db);
    await runStartupModelCheck(db, groq('qwen/qwen3.8-27b', 'gsk_wrong'), backoff, silent);
    expect(await backoff.currentBlock('groq')).toMatchObject({ reason: expect.stringMatching(/^invalid_key: groq refused GROQ_API_KEY/) });

    await runStartupModelCheck(db, groq('qwen/qwen3.8-27b'), backoff, silent);
    expect(await backoff.currentBlock('groq')).toBeNull();

    await backoff.block('groq', new Date(Date.now() + 60_000), 'model_unavailable: groq has retired VISION_MODEL=old');
    await runStartupModelCheck(db, groq('meta-llama/llama-4-scout-17b-16e-instruct'), backoff, silent);
    expect(await backoff.currentBlock('groq')).not.toBeNull();
    await runStartupModelCheck(db, groq('qwen/qwen3.8-27b'), backoff, silent);
    expect(await backoff.currentBlock('groq')).toBeNull();

    await backoff.block('groq', new Date(Date.now() + 60_000), 'rate_limited_long: 429: slow down');
    await runStartupModelCheck(db, groq('qwen/qwen3.8-27b'), backoff, silent);
    const [row] = await db.select().from(providerState).where(eq(providerState.provider, 'groq'));
    expect(row.reason).toMatch(/^rate_limited_long/);
    expect(row.blockedUntil!.getTime()).toBeGreaterThan(Date.now());
  });
});
