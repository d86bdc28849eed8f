import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGroq, type FakeGroq } from '@/test/fake-groq';
import { generateAlt, type GenerateOptions } from './generate';
import { memoryBackoff, type ProviderBackoff } from './provider-state';
import { PROMPT_VERSION, SYSTEM_PROMPT } from './prompt';
import { groqProvider, openAiCompatibleProvider, type ReasoningSetting } from './providers';
import type { AltContext, VisionProvider } from './types';

/** Every policy branch, through the real groq-sdk (and openai) client against the fake Groq server. */

let fake: FakeGroq;
let image: string;
let backoff: ProviderBackoff;
let waits: number[];
const context: AltContext = { title: 'Navy canvas backpack', tags: ['backpack', 'canvas'], filename: 'DSC_4821.jpg' };

const settings = { model: 'qwen/qwen3.8-27b', temperature: 0.2, maxTokens: 1024, timeoutMs: 2_000, maxRetryWaitMs: 10_000 };
const RETIRED_MODEL = 'meta-llama/llama-4-scout-17b-16e-instruct';

function groq(overrides: Partial<typeof settings> & { apiKey?: string; reasoning?: ReasoningSetting } = {}): VisionProvider {
  return groqProvider({ ...settings, apiKey: fake.apiKey, baseUrl: fake.url, reasoning: 'off', ...overrides });
}

/** Records the policy's waits instead of sleeping them: the tests check what it waits, not how long a run takes. */
function options(extra: Partial<GenerateOptions> = {}): GenerateOptions {
  return {
    backoff,
    sleep: async (ms) => {
      waits.push(ms);
      return true;
    },
    backoffMs: (retry) => retry * 100,
    log: { warn: () => {} },
    ...extra,
  };
}

async function dataUrl(width: number, height: number, colour = { r: 30, g: 40, b: 90 }): Promise<string> {
  const webp = await sharp({ create: { width, height, channels: 3, background: colour } }).webp().toBuffer();
  return `data:image/webp;base64,${webp.toString('base64')}`;
}

beforeAll(async () => {
  fake = await startFakeGroq();
  image = await dataUrl(1200, 900);
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  backoff = memoryBackoff();
  waits = [];
});

describe('generateAlt through groq-sdk against the fake Groq API', () => {
  it('sends the locked prompt, the context as data and the image, and returns gated text with usage', async () => {
    fake.script({ kind: 'text', content: 'Here is the alt text: "Navy canvas backpack with tan leather straps on a white background."', promptTokens: 1234, completionTokens: 21 });
    const outcome = await generateAlt(groq(), { image, context }, options());
    expect(outcome.result).toMatchObject({ ok: true, text: 'Navy canvas backpack with tan leather straps on a white background.', usage: { inputTokens: 1234, outputTokens: 21 } });
    expect(outcome.attempts).toHaveLength(1);
    const [request] = fake.requests;
    expect(request.authorization).toBe(`Bearer ${fake.apiKey}`);
    expect(request.body).toMatchObject({ model: settings.model, temperature: 0.2, max_tokens: 1024, reasoning_effort: 'none', reasoning_format: 'hidden' });
    expect(request.body?.messages?.[0]).toEqual({ role: 'system', content: SYSTEM_PROMPT });
    expect(request.userText).toContain('<catalogue-data>');
    expect(request.userText).toContain('"title": "Navy canvas backpack"');
    // DSC_4821.jpg says nothing about the product, so it is not sent.
    expect(request.userText).not.toContain('DSC_4821');
    expect(request.image).toMatchObject({ transport: 'base64' });
    expect(PROMPT_VERSION).toBe('alt-v2');
  });

  it('the default fake behaviour describes the product plausibly and passes the gate', async () => {
    const outcome = await generateAlt(groq(), { image, context }, options());
    expect(outcome.result).toMatchObject({ ok: true, text: expect.stringMatching(/^Navy canvas backpack photographed .* navy tones/) });
  });

  it('times out a hung request (timeout kind) instead of waiting for it', async () => {
    fake.script({ kind: 'hang' });
    const outcome = await generateAlt(groq({ timeoutMs: 300 }), { image, context }, options());
    expect(outcome.result).toMatchObject({ ok: false, kind: 'timeout', message: 'no answer within 300 ms' });
    expect(fake.requests).toHaveLength(1);
  });

  it('stops when the caller aborts', async () => {
    fake.script({ kind: 'hang' });
    const controller = new AbortController();
    const pending = generateAlt(groq(), { image, context, signal: controller.signal }, options());
    await fake.waitForRequests(1);
    controller.abort();
    expect((await pending).result).toMatchObject({ ok: false, kind: 'timeout', message: 'cancelled before the provider answered' });
  });

  it.each([
    ['1.278s', 1278],
    ['924ms', 924],
  ])('429 asking for %s: waits exactly that long and retries', async (wait, expectedMs) => {
    fake.script({ kind: 'rate_limit', wait });
    const outcome = await generateAlt(groq(), { image, context }, options());
    expect(outcome.result.ok).toBe(true);
    expect(outcome.attempts.map((a) => (a.ok ? 'ok' : a.kind))).toEqual(['rate_limited_short', 'ok']);
    expect(waits).toEqual([expectedMs]);
    expect(fake.requests).toHaveLength(2);
  });

  it('429 with only a retry-after header: waits the header seconds', async () => {
    fake.script({ kind: 'rate_limit', wait: null, retryAfter: '3' });
    const outcome = await generateAlt(groq(), { image, context }, options());
    expect(outcome.result.ok).toBe(true);
    expect(waits).toEqual([3000]);
  });

  it('the issue body shape: "Please try again in 5.289s" with retry-after 6 waits 5289 ms (the message is precise)', async () => {
    fake.script({ kind: 'rate_limit', wait: '5.289s', retryAfter: '6' });
    await generateAlt(groq(), { image, context }, options());
    expect(waits).toEqual([5289]);
  });

  it('retries a short 429 at most twice, then fails soft as rate_limited_short', async () => {
    fake.script({ kind: 'rate_limit', wait: '1s' }, { kind: 'rate_limit', wait: '1s' }, { kind: 'rate_limit', wait: '1s' });
    const outcome = await generateAlt(groq(), { image, context }, options());
    expect(outcome.result).toMatchObject({ ok: false, kind: 'rate_limited_short', retryAfterMs: 1000 });
    expect(fake.requests).toHaveLength(3);
    expect(waits).toEqual([1000, 1000]);
  });

  it.each([
    ['2m57.984s', 177_984],
    ['5m29.8752s', 329_875],
  ])('429 asking for %s (over the 10 s cap): fails at once, blocks the provider, makes no more calls', async (wait, expectedMs) => {
    const warnings: string[] = [];
    fake.script({ kind: 'rate_limit', wait, limit: 'requests' });
    const started = Date.now();
    const outcome = await generateAlt(groq(), { image, context }, options({ log: { warn: (line: string) => warnings.push(line) } }));
    expect(outcome.result).toMatchObject({ ok: false, kind: 'rate_limited_long', retryAfterMs: expectedMs });
    expect(waits).toEqual([]);
    expect(warnings).toHaveLength(1);
    const block = await backoff.currentBlock('groq');
    expect(block!.until.getTime()).toBeGreaterThanOrEqual(started + expectedMs);

    const next = await generateAlt(groq(), { image, context }, options());
    expect(next.result).toMatchObject({ ok: false, kind: 'rate_limited_long' });
    expect(next.attempts).toEqual([]);
    expect(fake.requests).toHaveLength(1);
  });

  it('a daily limit (RPD) is quota_exhausted and blocks the provider', async () => {
    fake.script({ kind: 'rate_limit', wait: '1.5s', limit: 'requests', window: 'day' });
    const outcome = await generateAlt(groq(), { image, context }, options());
    expect(outcome.result).toMatchObject({ ok: false, kind: 'quota_exhausted', retryAfterMs: 1500 });
    expect(await backoff.currentBlock('groq')).not.toBeNull();
    expect(fake.requests).toHaveLength(1);
  });

  it('an image over 33 megapixels is refused with 400 (image_rejected), not retried', async () => {
    const huge = await dataUrl(6000, 6000);
    const outcome = await generateAlt(groq(), { image: huge, context }, options());
    expect(outcome.result).toMatchObject({ ok: false, kind: 'image_rejected', message: expect.stringMatching(/^400: Image too large/) });
    expect(fake.requests).toHaveLength(1);
  });

  it('a base64 image over 4 MB is refused with 413 (image_rejected), not retried', async () => {
    const oversized = `data:image/webp;base64,${randomBytes(3_300_000).toString('base64')}`;
    const outcome = await generateAlt(groq(), { image: oversized, context }, options());
    expect(outcome.result).toMatchObject({ ok: false, kind: 'image_rejected', message: expect.stringMatching(/^413:/) });
    expect(fake.requests).toHaveLength(1);
  });

  it('5xx: retries with backoff at most twice', async () => {
    fake.script({ kind: 'status', status: 500 }, { kind: 'status', status: 503 });
    const recovered = await generateAlt(groq(), { image, context }, options());
    expect(recovered.result.ok).toBe(true);
    expect(recovered.attempts.map((a) => (a.ok ? 'ok' : a.kind))).toEqual(['server_error', 'server_error', 'ok']);
    expect(waits).toEqual([100, 200]);

    fake.reset();
    fake.script({ kind: 'status', status: 502 }, { kind: 'status', status: 502 }, { kind: 'status', status: 502 });
    const failed = await generateAlt(groq(), { image, context }, options());
    expect(failed.result).toMatchObject({ ok: false, kind: 'server_error', message: '502: Internal Server Error' });
    expect(fake.requests).toHaveLength(3);
  });

  it('a refused key (401) is invalid_key naming GROQ_API_KEY, blocks the provider, and is not retried asset by asset', async () => {
    const outcome = await generateAlt(groq({ apiKey: 'gsk_wrong' }), { image, context }, options());
    expect(outcome.result).toMatchObject({ ok: false, kind: 'invalid_key', message: expect.stringContaining('groq refused GROQ_API_KEY (401: Invalid API Key)') });
    expect(fake.requests).toHaveLength(1);
    const next = await generateAlt(groq({ apiKey: 'gsk_wrong' }), { image, context }, options());
    expect(next).toMatchObject({ attempts: [], result: { ok: false, kind: 'invalid_key', message: expect.stringContaining('GROQ_API_KEY') } });
    expect(fake.requests).toHaveLength(1);
  });

  it('other 4xx are bad_request, recorded, not retried', async () => {
    fake.script({ kind: 'status', status: 422, message: 'messages.1.content: unsupported part' });
    const outcome = await generateAlt(groq(), { image, context }, options());
    expect(outcome.result).toMatchObject({ ok: false, kind: 'bad_request', message: '422: messages.1.content: unsupported part' });
    expect(fake.requests).toHaveLength(1);
    expect(await backoff.currentBlock('groq')).toBeNull();
  });

  it('a 400 refusing reasoning settings says to set VISION_REASONING=omit', async () => {
    fake.script({ kind: 'status', status: 400, message: '`reasoning_format` is not supported with this model' });
    const outcome = await generateAlt(groq(), { image, context }, options());
    expect(outcome.result).toMatchObject({ ok: false, kind: 'bad_request', message: expect.stringContaining('set VISION_REASONING=omit') });
  });

  it('malformed JSON is a server_error and is retried', async () => {
    fake.script({ kind: 'malformed' });
    const outcome = await generateAlt(groq(), { image, context }, options());
    expect(outcome.attempts[0]).toMatchObject({ ok: false, kind: 'server_error', message: expect.stringMatching(/^malformed response/) });
    expect(outcome.result.ok).toBe(true);
  });

  it('empty choices are a server_error', async () => {
    fake.script({ kind: 'empty_choices' }, { kind: 'empty_choices' }, { kind: 'empty_choices' });
    const outcome = await generateAlt(groq(), { image, context }, options());
    expect(outcome.result).toMatchObject({ ok: false, kind: 'server_error', message: 'the provider answered with no choices' });
  });

  it('a refusal is gate_rejected and kept as a rejected proposal', async () => {
    fake.script({ kind: 'text', content: "I'm sorry, but I can't help with identifying people in images." });
    const outcome = await generateAlt(groq(), { image, context }, options());
    expect(outcome.result).toMatchObject({ ok: false, kind: 'gate_rejected', message: 'quality gate: refusal' });
    expect(outcome.rejected).toEqual({ text: "I'm sorry, but I can't help with identifying people in images.", reason: 'refusal' });
  });

  it('without a provider: no_provider, no call', async () => {
    const outcome = await generateAlt(null, { image, context }, options());
    expect(outcome.result).toMatchObject({ ok: false, kind: 'no_provider', message: 'no vision provider configured' });
    expect(fake.requests).toHaveLength(0);
  });

  it('limits concurrent model calls to the limiter size', async () => {
    const { visionCallLimiter } = await import('./limiter');
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    fake.setDefault({ kind: 'held', until: gate, then: { kind: 'describe' } });
    const runs = Array.from({ length: 4 }, () => generateAlt(groq(), { image, context }, options({ limit: visionCallLimiter(2) })));
    await fake.waitForRequests(2);
    // Two calls are held open by the fake; the other two wait in the limiter, so only two reached it.
    await new Promise((resolve) => setImmediate(resolve));
    expect(fake.requests).toHaveLength(2);
    release();
    const outcomes = await Promise.all(runs);
    expect(outcomes.every((o) => o.result.ok)).toBe(true);
    expect(fake.requests).toHaveLength(4);
  });
});

describe('reasoning models and retired models', () => {
  it("Loupe's default request turns thinking off, so the answer carries none", async () => {
    const outcome = await generateAlt(groq(), { image, context }, options());
    expect(outcome.result).toMatchObject({ ok: true, text: expect.stringMatching(/^Navy canvas backpack photographed/), usage: { reasoningTokens: null } });
    expect(fake.requests[0].body).toMatchObject({ reasoning_effort: 'none', reasoning_format: 'hidden' });
  });

  it('a reasoning answer with a think block: the thinking is stripped, the sentence kept, reasoning tokens counted', async () => {
    fake.script({ kind: 'reasoning', content: 'Navy canvas backpack with tan leather straps on a white background.', thinking: 'A backpack. Navy. Keep it short.', reasoningTokens: 312 });
    const outcome = await generateAlt(groq({ reasoning: 'omit' }), { image, context }, options());
    expect(outcome.result).toMatchObject({ ok: true, text: 'Navy canvas backpack with tan leather straps on a white background.', usage: { reasoningTokens: 312 } });
    expect(fake.requests[0].body).not.toHaveProperty('reasoning_effort');
    expect(fake.requests[0].body).not.toHaveProperty('reasoning_format');
  });

  it('an unclosed think block is no alt text: the gate finds it empty', async () => {
    fake.script({ kind: 'reasoning', content: '', thinking: 'The photo shows a backpack, maybe navy, let me look again', unclosed: true });
    const outcome = await generateAlt(groq({ reasoning: 'omit' }), { image, context }, options());
    expect(outcome.result).toMatchObject({ ok: false, kind: 'gate_rejected', message: 'quality gate: empty' });
  });

  it('an answer cut off at max_tokens is a truncated failure with its usage, not alt text, and not retried', async () => {
    fake.script({ kind: 'length', content: 'Navy canvas backpack with tan', reasoningTokens: 1000 });
    const outcome = await generateAlt(groq(), { image, context }, options());
    expect(outcome.result).toMatchObject({
      ok: false,
      kind: 'truncated',
      message: expect.stringContaining('cut off at the 1024-token limit (1000 of them reasoning)'),
      usage: { outputTokens: 1024, reasoningTokens: 1000 },
    });
    expect(fake.requests).toHaveLength(1);
  });

  it('a retired model (400 model_decommissioned) blocks the provider with a message naming VISION_MODEL and the image models offered', async () => {
    const warnings: string[] = [];
    const outcome = await generateAlt(groq({ model: RETIRED_MODEL }), { image, context }, options({ log: { warn: (line: string) => warnings.push(line) } }));
    const expected = `groq has retired VISION_MODEL=${RETIRED_MODEL}`;
    expect(outcome.result).toMatchObject({ ok: false, kind: 'model_unavailable', message: expect.stringContaining(expected) });
    expect(outcome.result.ok === false && outcome.result.message).toContain('Set VISION_MODEL to one of: qwen/qwen3.8-27b, qwen/qwen3.6-27b.');
    expect(outcome.result.ok === false && outcome.result.message).not.toContain('gpt-oss');
    expect(outcome.result.ok === false && outcome.result.message).not.toMatch(/bad request/i);
    expect(warnings).toEqual([expect.stringContaining(expected)]);
    // One chat call and one model-list call; the next asset makes none and says the same.
    expect(fake.requests.map((request) => request.path)).toEqual(['/openai/v1/chat/completions', '/openai/v1/models']);
    const next = await generateAlt(groq({ model: RETIRED_MODEL }), { image, context }, options());
    expect(next).toMatchObject({ attempts: [], result: { ok: false, kind: 'model_unavailable', message: expect.stringContaining(expected) } });
    expect(fake.requests).toHaveLength(2);
  });

  it('an unknown model (404 model_not_found) is model_unavailable too, never retried', async () => {
    const outcome = await generateAlt(groq({ model: 'qwen/qwen3.7-27b' }), { image, context }, options());
    expect(outcome.result).toMatchObject({ ok: false, kind: 'model_unavailable', message: expect.stringContaining('groq does not offer VISION_MODEL=qwen/qwen3.7-27b (404 model_not_found') });
    expect(outcome.attempts).toHaveLength(1);
  });
});

describe('the OpenAI-compatible provider through the openai client against the same fake', () => {
  const openai = () => openAiCompatibleProvider({ ...settings, baseUrl: fake.openaiBaseUrl, apiKey: fake.apiKey, model: 'qwen/qwen3.6-27b' });

  it('returns gated text', async () => {
    fake.script({ kind: 'text', content: 'Alt text: White linen shirt on a wooden hanger against a beige wall.' });
    const outcome = await generateAlt(openai(), { image, context }, options());
    expect(outcome.result).toMatchObject({ ok: true, text: 'White linen shirt on a wooden hanger against a beige wall.' });
    expect(fake.requests[0].body).toMatchObject({ model: 'qwen/qwen3.6-27b' });
  });

  it('sends no reasoning settings and strips the thinking a reasoning model sends inline', async () => {
    const outcome = await generateAlt(openai(), { image, context }, options());
    expect(fake.requests[0].body).not.toHaveProperty('reasoning_effort');
    expect(outcome.result).toMatchObject({ ok: true, text: expect.stringMatching(/^Navy canvas backpack photographed/) });
    expect(outcome.result.ok && outcome.result.text).not.toContain('think');
    expect(outcome.result.ok && outcome.result.usage.reasoningTokens).toBeGreaterThan(0);
  });

  it('classifies a long 429 the same way', async () => {
    fake.script({ kind: 'rate_limit', wait: '2m57.984s' });
    const outcome = await generateAlt(openai(), { image, context }, options());
    expect(outcome.result).toMatchObject({ ok: false, kind: 'rate_limited_long', retryAfterMs: 177_984 });
    expect(await backoff.currentBlock('openai')).not.toBeNull();
  });
});

describe('generateAlt in a locale', () => {
  it("refuses the fake's English description of a photo asked for in French", async () => {
    const outcome = await generateAlt(groq(), { image, context, locale: 'fr' }, options());
    expect(outcome.result).toMatchObject({ ok: false, kind: 'gate_rejected', message: 'quality gate: wrong_language (the answer is in English, not French as asked for locale fr)' });
    expect(outcome.rejected).toMatchObject({ reason: 'wrong_language' });
  });

  it('accepts it asked for in English', async () => {
    const outcome = await generateAlt(groq(), { image, context, locale: 'en' }, options());
    expect(outcome.result.ok).toBe(true);
  });
});
