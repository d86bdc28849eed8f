import { describe, expect, it } from 'vitest';
import { ALT_FAILURE_KINDS } from '@/lib/alt';
import { altFailureOf, failureMessage, gateMessage, presentHistory } from './messages';

/** Codes the pipeline records on jobs (lib/ingest, lib/embed, lib/jobs/run.ts) and the vision provider's failure kinds. */
const JOB_CODES = [
  'corrupt_image',
  'too_many_pixels',
  'unsupported_format',
  'upload_missing',
  'corrupt_video',
  'empty_video',
  'no_video_stream',
  'video_too_long',
  'video_too_large',
  'video_too_many_frames',
  'video_timeout',
  'internal',
  'embedding_unavailable',
  'embedding_failed',
];
const GATE_REASONS = ['empty', 'too_short', 'too_long', 'refusal', 'keyword_stuffing', 'echo', 'markup', 'url', 'instructions', 'wrong_language'];

describe('the failure message table', () => {
  it.each([...JOB_CODES, ...ALT_FAILURE_KINDS])('says %s in words, with no code in it', (code) => {
    const message = failureMessage(code);
    expect(message).not.toBe(failureMessage('no_such_code'));
    expect(message).not.toContain(code);
    expect(message).not.toMatch(/[a-z]+_[a-z]+|\(\w+\)|\b[45]\d\d\b/);
    expect(message).toMatch(/^[A-Z].*\.$/);
  });

  it('says what a damaged file is, as the upload page shows it', () => {
    expect(failureMessage('corrupt_image')).toMatch(/^The file is damaged or truncated/);
  });

  it('has a sentence for an unknown or missing code, never the code', () => {
    for (const code of ['no_such_code', null, undefined, '']) {
      expect(failureMessage(code)).toMatch(/^Something went wrong/);
    }
  });

  it('reads the reason from a gate message that carries its detail', () => {
    expect(gateMessage('quality gate: wrong_language (the answer is in English, not French as asked for locale fr)')).toBe('The description was not in the language asked for.');
  });

  it.each(GATE_REASONS)('says the gate reason %s in words, with or without the "quality gate:" prefix', (reason) => {
    expect(gateMessage(reason)).toMatch(/^[A-Z][^_]*\.$/);
    expect(gateMessage(`quality gate: ${reason}`)).toBe(gateMessage(reason));
    expect(gateMessage(reason)).not.toBe(gateMessage('unheard_of'));
  });
});

describe('altFailureOf', () => {
  it('splits "<kind>: <provider message>" into the code and the raw detail', () => {
    expect(altFailureOf('rate_limited_long: Rate limit reached for model `x` in organization `org_1` on tokens per day (TPD)')).toEqual({
      code: 'rate_limited_long',
      detail: 'Rate limit reached for model `x` in organization `org_1` on tokens per day (TPD)',
    });
    expect(altFailureOf('server_error: 500 upstream: line one\nline two')).toEqual({ code: 'server_error', detail: '500 upstream: line one\nline two' });
  });

  it('knows the no-provider note, and keeps anything else whole as detail', () => {
    expect(altFailureOf('no vision provider configured')).toEqual({ code: 'no_provider', detail: 'no vision provider configured' });
    expect(altFailureOf('made_up: something')).toEqual({ code: 'unknown', detail: 'made_up: something' });
    expect(altFailureOf(null)).toBeNull();
  });
});

describe('presentHistory', () => {
  const failed = (id: string, outcome: string, message: string) => ({ id, event: 'failed', outcome, message });

  it('folds consecutive identical failed attempts into one entry that counts them', () => {
    const entries = [
      failed('a', 'server_error', '500 Internal Server Error'),
      failed('b', 'server_error', '502 Bad Gateway'),
      failed('c', 'server_error', '500 Internal Server Error'),
      failed('d', 'timeout', 'no answer in 15000 ms'),
      { id: 'e', event: 'generated', outcome: 'written', message: null },
      failed('f', 'server_error', '500 Internal Server Error'),
    ];
    const shown = presentHistory(entries, { withDetail: false });
    expect(shown.map((entry) => [entry.id, entry.attempts])).toEqual([
      ['a', 3],
      ['d', 1],
      ['e', 1],
      ['f', 1],
    ]);
  });

  it('shows people the table’s words and keeps the raw detail for admins only', () => {
    const billing = failed('a', 'quota_exhausted', 'You exceeded your current quota, please check your plan and billing details.');
    const forEditors = presentHistory([billing], { withDetail: false })[0];
    expect(forEditors.message).toBe(failureMessage('quota_exhausted'));
    expect(forEditors).not.toHaveProperty('detail');
    expect(JSON.stringify(forEditors)).not.toContain('billing');
    expect(presentHistory([billing], { withDetail: true })[0].detail).toContain('billing details');
  });

  it('translates gate reasons and leaves people’s own notes alone', () => {
    const shown = presentHistory(
      [
        { id: 'a', event: 'gate_rejected', outcome: 'gate_rejected', message: 'echo' },
        { id: 'b', event: 'imported', outcome: null, message: 'from catalogue.csv' },
      ],
      { withDetail: false },
    );
    expect(shown.map((entry) => entry.message)).toEqual([gateMessage('echo'), 'from catalogue.csv']);
  });
});
