import { describe, expect, it } from 'vitest';
import { parseDurationMs, retryWaitMs, waitFromHeaders, waitFromMessage } from './retry-after';

describe('429 wait parsing', () => {
  it.each([
    ['1.278s', 1278],
    ['924ms', 924],
    ['2m57.984s', 177_984],
    ['5m29.8752s', 329_875],
    ['1h2m3s', 3_723_000],
  ])('parses the Go duration %s', (text, ms) => {
    expect(parseDurationMs(text)).toBe(ms);
  });

  it('refuses what is not a duration', () => {
    expect(parseDurationMs('soon')).toBeUndefined();
    expect(parseDurationMs('5')).toBeUndefined();
  });

  it("finds the wait in Groq's message", () => {
    const message =
      'Rate limit reached for model `qwen/qwen3.8-27b` in organization `org_x` service tier `on_demand` on tokens per minute (TPM): Limit 15000, Used 11972, Requested 4351. Please try again in 5.289s. Need more tokens?';
    expect(waitFromMessage(message)).toBe(5289);
    expect(waitFromMessage('Rate limit reached. Try again later.')).toBeUndefined();
  });

  it('reads retry-after-ms, retry-after seconds and retry-after dates', () => {
    expect(waitFromHeaders(new Headers({ 'retry-after-ms': '1500' }))).toBe(1500);
    expect(waitFromHeaders(new Headers({ 'retry-after': '6' }))).toBe(6000);
    const now = Date.parse('2026-11-22T00:00:00Z');
    expect(waitFromHeaders(new Headers({ 'retry-after': 'Sun, 22 Nov 2026 00:00:30 GMT' }), now)).toBe(30_000);
    expect(waitFromHeaders(new Headers())).toBeUndefined();
  });

  it('prefers the precise message over the rounded header', () => {
    expect(retryWaitMs(new Headers({ 'retry-after': '2' }), 'Please try again in 1.278s.')).toBe(1278);
    expect(retryWaitMs(new Headers({ 'retry-after': '2' }), 'Rate limited.')).toBe(2000);
  });
});
