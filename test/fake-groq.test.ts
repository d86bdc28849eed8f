import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_GROQ_MODELS_PATH, FAKE_GROQ_PATH, startFakeGroq, type FakeGroq } from './fake-groq';

/** The fake's wire format, checked with plain fetch: what the SDKs and our policy rely on. */

let fake: FakeGroq;
beforeAll(async () => {
  fake = await startFakeGroq();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

function post(body: unknown, key = fake.apiKey): Promise<Response> {
  return fetch(fake.url + FAKE_GROQ_PATH, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

const request = { model: 'qwen/qwen3.8-27b', reasoning_effort: 'none', messages: [{ role: 'user', content: 'Describe.' }] };

describe('fake Groq API', () => {
  it("answers with Groq's completion shape, usage and rate-limit headers", async () => {
    fake.script({ kind: 'text', content: 'Blue shirt on a hanger against a white wall.', promptTokens: 50, completionTokens: 11 });
    const response = await post(request);
    expect(response.status).toBe(200);
    for (const header of ['limit-requests', 'limit-tokens', 'remaining-requests', 'remaining-tokens', 'reset-requests', 'reset-tokens']) {
      expect(response.headers.get(`x-ratelimit-${header}`)).toBeTruthy();
    }
    expect(await response.json()).toMatchObject({
      object: 'chat.completion',
      model: request.model,
      choices: [{ index: 0, message: { role: 'assistant', content: 'Blue shirt on a hanger against a white wall.' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 50, completion_tokens: 11, total_tokens: 61, queue_time: expect.any(Number), total_time: expect.any(Number) },
      x_groq: { id: expect.stringMatching(/^req_/) },
    });
  });

  it("answers a 429 with the issue's body shape and a rounded-up retry-after", async () => {
    fake.script({ kind: 'rate_limit', wait: '5.289s' });
    const response = await post(request);
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('6');
    expect(response.headers.get('x-ratelimit-remaining-tokens')).toBe('0');
    const body = (await response.json()) as { error: { message: string; type: string; code: string } };
    expect(body.error.type).toBe('tokens');
    expect(body.error.code).toBe('rate_limit_exceeded');
    expect(body.error.message).toMatch(
      /^Rate limit reached for model `qwen\/qwen3\.8-27b` in organization `org_fake` service tier `on_demand` on tokens per minute \(TPM\): Limit 15000, Used 11972, Requested 4351\. Please try again in 5\.289s\. /,
    );
  });

  it('refuses a wrong key with 401 and an unknown path with 404', async () => {
    expect((await post(request, 'gsk_wrong')).status).toBe(401);
    expect((await fetch(`${fake.url}/openai/v1/nothing`, { method: 'POST' })).status).toBe(404);
  });

  it('records each request for tests to inspect', async () => {
    await post(request);
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({ path: FAKE_GROQ_PATH, userText: 'Describe.', image: null });
  });

  it('lists its models with their input modalities, behind the key', async () => {
    const list = await fetch(fake.url + FAKE_GROQ_MODELS_PATH, { headers: { authorization: `Bearer ${fake.apiKey}` } });
    expect(list.status).toBe(200);
    const body = (await list.json()) as { object: string; data: Array<{ id: string; object: string; input_modalities: string[] }> };
    expect(body.object).toBe('list');
    expect(body.data).toContainEqual(expect.objectContaining({ id: 'qwen/qwen3.8-27b', object: 'model', input_modalities: ['text', 'image'] }));
    expect(body.data).toContainEqual(expect.objectContaining({ id: 'openai/gpt-oss-120b', input_modalities: ['text'] }));
    expect(body.data.map((model) => model.id)).not.toContain('meta-llama/llama-4-scout-17b-16e-instruct');
    expect((await fetch(fake.url + FAKE_GROQ_MODELS_PATH, { headers: { authorization: 'Bearer gsk_wrong' } })).status).toBe(401);
  });

  it("refuses a retired model with Groq's 400 model_decommissioned and an unknown one with 404 model_not_found", async () => {
    const retired = await post({ ...request, model: 'meta-llama/llama-4-scout-17b-16e-instruct' });
    expect(retired.status).toBe(400);
    expect(await retired.json()).toEqual({
      error: { message: expect.stringMatching(/^The model `meta-llama\/llama-4-scout-17b-16e-instruct` has been decommissioned/), type: 'invalid_request_error', code: 'model_decommissioned' },
    });
    const unknown = await post({ ...request, model: 'qwen/qwen9-1b' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'model_not_found', message: 'The model `qwen/qwen9-1b` does not exist or you do not have access to it.' } });
  });

  it('a reasoning model thinks inline in <think> tags by default, counts reasoning tokens, and hides or parses on request', async () => {
    const thinking = { ...request, reasoning_effort: undefined };
    fake.script({ kind: 'reasoning', content: 'Blue shirt.', thinking: 'A shirt.', reasoningTokens: 40 }, { kind: 'reasoning', content: 'Blue shirt.', thinking: 'A shirt.' }, { kind: 'reasoning', content: 'Blue shirt.', thinking: 'A shirt.' });
    const raw = (await (await post(thinking)).json()) as { choices: Array<{ message: { content: string } }>; usage: { completion_tokens_details: { reasoning_tokens: number } } };
    expect(raw.choices[0].message.content).toBe('<think>\nA shirt.\n</think>\n\nBlue shirt.');
    expect(raw.usage.completion_tokens_details.reasoning_tokens).toBe(40);
    const hidden = (await (await post({ ...thinking, reasoning_format: 'hidden' })).json()) as { choices: Array<{ message: { content: string } }> };
    expect(hidden.choices[0].message).toEqual({ role: 'assistant', content: 'Blue shirt.' });
    const parsed = (await (await post({ ...thinking, reasoning_format: 'parsed' })).json()) as { choices: Array<{ message: { content: string; reasoning: string } }> };
    expect(parsed.choices[0].message).toEqual({ role: 'assistant', content: 'Blue shirt.', reasoning: 'A shirt.' });
  });

  it('by default a reasoning model thinks unless reasoning_effort is "none"', async () => {
    const thinks = (await (await post({ ...request, reasoning_effort: undefined })).json()) as { choices: Array<{ message: { content: string } }> };
    expect(thinks.choices[0].message.content).toMatch(/^<think>[\s\S]+<\/think>\n\n\S/);
    const plain = (await (await post(request)).json()) as { choices: Array<{ message: { content: string } }>; usage: Record<string, unknown> };
    expect(plain.choices[0].message.content).not.toContain('<think>');
    expect(plain.usage).not.toHaveProperty('completion_tokens_details');
  });

  it('answers finish_reason "length" with the whole max_tokens spent', async () => {
    fake.script({ kind: 'length', content: 'Blue shirt on a', reasoningTokens: 100 });
    const body = (await (await post({ ...request, max_tokens: 120 })).json()) as { choices: Array<{ finish_reason: string; message: { content: string } }>; usage: Record<string, unknown> };
    expect(body.choices[0]).toMatchObject({ finish_reason: 'length', message: { content: 'Blue shirt on a' } });
    expect(body.usage).toMatchObject({ completion_tokens: 120, completion_tokens_details: { reasoning_tokens: 100 } });
  });
});
