import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_GROQ_PATH, startFakeGroq, type FakeGroq } from './fake-groq';

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

const request = { model: 'meta-llama/llama-4-scout-17b-16e-instruct', messages: [{ role: 'user', content: 'Describe.' }] };

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
      /^Rate limit reached for model `meta-llama\/llama-4-scout-17b-16e-instruct` in organization `org_fake` service tier `on_demand` on tokens per minute \(TPM\): Limit 15000, Used 11972, Requested 4351\. Please try again in 5\.289s\. /,
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
});
