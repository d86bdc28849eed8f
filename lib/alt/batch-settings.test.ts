import { describe, expect, it } from 'vitest';
import { parseConfig } from '@/lib/config';
import { batchLine, GROQ_BATCH_LIMITS, packBatches, parseBatchAnswers } from './batch-lines';

/** The Batch API's settings and file format: what a bad value says, how lines are packed and answers read. */
describe('batch settings', () => {
  it('defaults to online calls, a 24h window, retries into the next batch, the stored 1200 px image', () => {
    const { backfill, vision } = parseConfig({});
    expect(backfill).toMatchObject({ mode: 'online', batchWindow: '24h', batchRetry: 'batch', batchPollSeconds: 300 });
    expect(vision.imageMaxEdge).toBe(1200);
  });

  it.each([
    [{ BACKFILL_MODE: 'cheap' }, /BACKFILL_MODE: Invalid option: expected one of "online"\|"batch"/],
    [{ BACKFILL_BATCH_WINDOW: '12h' }, /BACKFILL_BATCH_WINDOW must be a duration Groq accepts, from 24h to 7d/],
    [{ BACKFILL_BATCH_WINDOW: '8d' }, /BACKFILL_BATCH_WINDOW must be a duration Groq accepts/],
    [{ BACKFILL_BATCH_RETRY: 'never' }, /BACKFILL_BATCH_RETRY/],
    [{ BACKFILL_BATCH_POLL_SECONDS: '0' }, /BACKFILL_BATCH_POLL_SECONDS/],
    [{ ALT_IMAGE_MAX_EDGE: '64' }, /ALT_IMAGE_MAX_EDGE must be at least 128 px/],
    [{ ALT_IMAGE_MAX_EDGE: '2048' }, /ALT_IMAGE_MAX_EDGE must be at most 1200 px/],
  ])('refuses %j, naming the variable', (env, message) => {
    expect(() => parseConfig(env)).toThrow(message);
  });

  it('accepts windows Groq takes', () => {
    for (const window of ['24h', '48h', '168h', '1d', '7d']) expect(parseConfig({ BACKFILL_BATCH_WINDOW: window }).backfill.batchWindow).toBe(window);
  });
});

describe('batch files', () => {
  it('writes a chat request as a JSONL line for /v1/chat/completions', () => {
    expect(JSON.parse(batchLine('a.1', { model: 'm', messages: [] }))).toEqual({ custom_id: 'a.1', method: 'POST', url: '/v1/chat/completions', body: { model: 'm', messages: [] } });
  });

  it('packs lines in order within the line and byte limits, never leaving a group empty', () => {
    expect(packBatches([1, 2, 3, 4, 5], () => 10, { maxLines: 2, maxBytes: 1000 })).toEqual([[1, 2], [3, 4], [5]]);
    expect(packBatches([60, 50, 40, 200], (size) => size, { maxLines: 100, maxBytes: 100 })).toEqual([[60], [50, 40], [200]]);
    expect(packBatches([], () => 1, GROQ_BATCH_LIMITS)).toEqual([]);
  });

  it('reads output and error lines, skipping what is not an answer', () => {
    const answers = parseBatchAnswers(
      [
        JSON.stringify({ custom_id: 'a.1', response: { status_code: 200, body: { choices: [] } }, error: null }),
        'not json',
        JSON.stringify({ custom_id: 'b.1', response: null, error: { code: 'batch_expired', message: 'expired' } }),
        JSON.stringify({ response: null }),
        '',
      ].join('\n'),
    );
    expect(answers).toEqual([
      { customId: 'a.1', status: 200, body: { choices: [] }, error: null },
      { customId: 'b.1', status: null, body: null, error: { code: 'batch_expired', message: 'expired' } },
    ]);
  });
});
