import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { rows } from '@/db/client';
import { useTestDatabase } from '@/test/db';
import { startFakeGroq, type FakeGroq } from '@/test/fake-groq';
import { databasePacer, DEFAULT_CALL_TOKENS, type PaceLimits, type Urgency } from './pacing';
import { groqProvider } from './providers';
import { rateLimitSignal } from './rate-limit-headers';
import type { AltResult } from './types';

/** Waits are recorded, not slept: the assertions are about the schedule the database keeps, never about timings. */
function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => (waits.push(ms), true) };
}

const ok = (rateLimit?: AltResult['rateLimit'], tokens = DEFAULT_CALL_TOKENS): AltResult => ({
  ok: true,
  text: 'A navy wool coat.',
  usage: { inputTokens: tokens - 20, outputTokens: 20, reasoningTokens: null },
  latencyMs: 5,
  ...(rateLimit ? { rateLimit } : {}),
});

describe('the call pacer (shared through provider_state)', () => {
  const database = useTestDatabase();
  let provider = 'groq';
  const pacer = (limits: PaceLimits, urgency: Urgency = 'backfill') => {
    const recorder = recordingSleep();
    return { ...recorder, pacer: databasePacer(database().db, { provider, limits, urgency, sleep: recorder.sleep }) };
  };

  beforeEach(() => {
    provider = `p-${crypto.randomUUID()}`;
  });

  it('spaces calls by VISION_RPM across two instances sharing the database', async () => {
    const a = pacer({ requestsPerMinute: 60 }, 'interactive');
    const b = pacer({ requestsPerMinute: 60 }, 'interactive');
    expect(await a.pacer.turn()).toEqual({ ok: true });
    expect(await b.pacer.turn()).toEqual({ ok: true });
    expect(await a.pacer.turn()).toEqual({ ok: true });
    // The second instance's call waits about one second (60 RPM), the third about two.
    expect(b.waits[0]).toBeGreaterThan(700);
    expect(a.waits.at(-1)).toBeGreaterThan(1_500);
  });

  it('spaces calls by their tokens under VISION_TPM', async () => {
    const a = pacer({ tokensPerMinute: DEFAULT_CALL_TOKENS * 6 }, 'interactive');
    await a.pacer.turn();
    await a.pacer.turn();
    expect(a.waits[0]).toBeGreaterThan(9_000);
  });

  it('holds every call until the reset when the provider says no requests remain', async () => {
    const a = pacer({});
    await a.pacer.turn();
    await a.pacer.record(ok({ remainingRequests: 0, resetRequestsMs: 30_000 }));
    const controller = new AbortController();
    const b = databasePacer(database().db, {
      provider,
      limits: {},
      urgency: 'interactive',
      sleep: async (ms) => {
        controller.abort();
        expect(ms).toBeGreaterThan(29_000);
        return true;
      },
    });
    expect(await b.turn(controller.signal)).toEqual({ ok: true });
    const [state] = await rows<{ remaining_requests: number }>(database().db, sql`select remaining_requests from provider_state where provider = ${provider}`);
    expect(state.remaining_requests).toBe(0);
  });

  it('holds every call for a 429 retry-after, and when the tokens left will not cover the next call', async () => {
    const a = pacer({}, 'interactive');
    await a.pacer.turn();
    await a.pacer.record({ ok: false, kind: 'rate_limited_short', message: '429', retryAfterMs: 7_000 });
    await a.pacer.turn();
    expect(a.waits.at(-1)).toBeGreaterThan(6_000);

    const c = pacer({}, 'interactive');
    provider = `p-${crypto.randomUUID()}`;
    const d = pacer({}, 'interactive');
    await d.pacer.turn();
    await d.pacer.record(ok({ remainingTokens: 100, resetTokensMs: 12_000 }));
    await d.pacer.turn();
    expect(d.waits.at(-1)).toBeGreaterThan(11_000);
    expect(c.waits).toEqual([]);
  });

  it('lets a backfill call take at most one slot ahead, so interactive calls never queue behind a backlog', async () => {
    const upload = pacer({ requestsPerMinute: 60 }, 'interactive');
    await upload.pacer.turn();
    await upload.pacer.turn();
    await upload.pacer.turn();
    // Three interactive calls hold the next ~3 s; a backfill call does not reserve behind them, it waits and asks again.
    const controller = new AbortController();
    const backfill = databasePacer(database().db, {
      provider,
      limits: { requestsPerMinute: 60 },
      urgency: 'backfill',
      sleep: async (ms) => {
        controller.abort();
        expect(ms).toBeGreaterThan(500);
        return false;
      },
    });
    const turn = await backfill.turn(controller.signal);
    expect(turn.ok).toBe(false);
    const [state] = await rows<{ ahead_ms: number }>(database().db, sql`select extract(epoch from (next_call_at - now())) * 1000 as ahead_ms from provider_state where provider = ${provider}`);
    // Still three slots from the interactive calls, none taken by the backfill.
    expect(Number(state.ahead_ms)).toBeLessThan(3_100);
  });

  it('stops at VISION_RPD with a quota failure that says which variable', async () => {
    const a = pacer({ requestsPerDay: 2 }, 'interactive');
    expect((await a.pacer.turn()).ok).toBe(true);
    expect((await a.pacer.turn()).ok).toBe(true);
    const third = await a.pacer.turn();
    expect(third.ok).toBe(false);
    if (!third.ok) {
      expect(third.failure.kind).toBe('quota_exhausted');
      expect(third.failure.message).toContain('VISION_RPD');
      expect(third.failure.retryAfterMs).toBeGreaterThan(0);
    }
  });

  it('corrects the token schedule by what a call really used', async () => {
    const a = pacer({ tokensPerMinute: 60_000 }, 'interactive');
    await a.pacer.turn();
    await a.pacer.record(ok(undefined, 6_000));
    await a.pacer.turn();
    // One call of 6,000 tokens at 60,000 a minute: the next waits about 6 s (1.3 s estimated + 4.7 s correction).
    expect(a.waits.at(-1)).toBeGreaterThan(5_500);
  });
});

describe('rate-limit headers through the real groq-sdk', () => {
  let fake: FakeGroq;
  beforeAll(async () => {
    fake = await startFakeGroq({ rateLimit: { requestsPerMinute: 3, tokensPerMinute: 100_000 } });
  });
  afterAll(() => fake.close());

  const provider = () =>
    groqProvider({ apiKey: fake.apiKey, baseUrl: fake.url, model: 'qwen/qwen3.8-27b', reasoning: 'off', temperature: 0.2, maxTokens: 120, timeoutMs: 5_000, maxRetryWaitMs: 10_000 });
  const image = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

  it('reports remaining requests on success, and the enforced limit as a 429 with the wait', async () => {
    const results: AltResult[] = [];
    for (let i = 0; i < 4; i++) results.push(await provider().describe({ image, context: { tags: [] } }));
    expect(results.slice(0, 3).every((r) => r.ok)).toBe(true);
    expect(results[2].rateLimit?.remainingRequests).toBe(0);
    expect(results[2].rateLimit?.resetRequestsMs).toBeGreaterThan(0);
    const limited = results[3];
    expect(limited.ok).toBe(false);
    if (!limited.ok) {
      // Three a minute: the wait (about 20 s) is over VISION_MAX_RETRY_WAIT_MS, so it is a long limit.
      expect(limited.kind).toBe('rate_limited_long');
      expect(limited.retryAfterMs).toBeGreaterThan(10_000);
      expect(limited.rateLimit?.remainingRequests).toBe(0);
    }
    expect(fake.usage.rateLimited).toBe(1);
    expect([...fake.usage.byImage.values()]).toEqual([3]);
  });

  it('parses Go-style durations and plain seconds, and ignores junk', () => {
    const headers = new Headers({
      'x-ratelimit-remaining-requests': '14',
      'x-ratelimit-remaining-tokens': 'lots',
      'x-ratelimit-reset-requests': '2m59.56s',
      'x-ratelimit-reset-tokens': '7.5',
    });
    expect(rateLimitSignal(headers)).toEqual({ remainingRequests: 14, resetRequestsMs: 179_560, resetTokensMs: 7_500 });
    expect(rateLimitSignal(new Headers())).toBeUndefined();
  });
});
