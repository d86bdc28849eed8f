import Groq, { toFile } from 'groq-sdk';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BATCH_ACCOUNT_REFUSAL } from './fake-groq-batches';
import { imageTokens, startFakeGroq, type FakeGroq } from './fake-groq';

/** The fake's Files and Batch APIs through the real groq-sdk: what lib/alt/batch relies on. */

let fake: FakeGroq;
let groq: Groq;
beforeAll(async () => {
  fake = await startFakeGroq();
  groq = new Groq({ apiKey: fake.apiKey, baseURL: fake.url, maxRetries: 0 });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => fake.reset());

const MODEL = 'qwen/qwen3.8-27b';

async function imageUrl(size: number): Promise<string> {
  const png = await sharp({ create: { width: size, height: size, channels: 3, background: { r: 25, g: 35, b: 85 } } }).png().toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}

function line(customId: string, body: Record<string, unknown>): string {
  return JSON.stringify({ custom_id: customId, method: 'POST', url: '/v1/chat/completions', body });
}

async function describeLine(customId: string, size = 64): Promise<string> {
  return line(customId, {
    model: MODEL,
    reasoning_effort: 'none',
    messages: [
      { role: 'system', content: 'Write alt text.' },
      { role: 'user', content: [{ type: 'text', text: '<catalogue-data>\n{"title": "Navy wool coat"}\n</catalogue-data>' }, { type: 'image_url', image_url: { url: await imageUrl(size) } }] },
    ],
  });
}

async function upload(lines: string[]): Promise<string> {
  const file = await groq.files.create({ file: await toFile(Buffer.from(`${lines.join('\n')}\n`), 'batch.jsonl'), purpose: 'batch' });
  expect(file).toMatchObject({ object: 'file', purpose: 'batch', filename: 'batch.jsonl' });
  return file.id!;
}

async function outputLines(fileId: string | undefined | null): Promise<Array<{ custom_id: string; response: { status_code: number; body: Record<string, unknown> } | null; error: { code: string } | null }>> {
  if (!fileId) return [];
  const text = await (await groq.files.content(fileId)).text();
  return text.split('\n').filter(Boolean).map((entry) => JSON.parse(entry) as never);
}

describe('fake Groq Files and Batch APIs', () => {
  it('walks a batch through validating, in_progress, finalizing and completed on the fake clock, with an output line per request', async () => {
    const fileId = await upload([await describeLine('a-1'), await describeLine('a-2')]);
    const created = await groq.batches.create({ input_file_id: fileId, endpoint: '/v1/chat/completions', completion_window: '24h', metadata: { loupe_batch: 'x' } });
    expect(created).toMatchObject({ object: 'batch', status: 'validating', input_file_id: fileId, completion_window: '24h', metadata: { loupe_batch: 'x' }, request_counts: { total: 2, completed: 0, failed: 0 } });
    fake.batches.advance(10);
    expect((await groq.batches.retrieve(created.id)).status).toBe('in_progress');
    // Validating 5 s, in progress 3,600 s, finalizing 5 s (the fake's default timing).
    fake.batches.advance(3_597);
    expect((await groq.batches.retrieve(created.id)).status).toBe('finalizing');
    fake.batches.advance(10);
    const done = await groq.batches.retrieve(created.id);
    expect(done).toMatchObject({ status: 'completed', request_counts: { total: 2, completed: 2, failed: 0 }, error_file_id: null });
    const output = await outputLines(done.output_file_id);
    expect(output.map((entry) => entry.custom_id)).toEqual(['a-1', 'a-2']);
    expect(output[0].response).toMatchObject({ status_code: 200, body: { object: 'chat.completion', choices: [{ message: { content: expect.stringContaining('Navy wool coat') } }] } });
    expect((await groq.batches.list()).data.map((batch) => batch.id)).toEqual([created.id]);
  });

  it('puts a failed line in the error file with its status and Groq error body', async () => {
    fake.batches.scriptLines({ kind: 'describe' }, { kind: 'status', status: 400, message: 'Invalid image data', code: 'invalid_image' });
    const fileId = await upload([await describeLine('b-1'), await describeLine('b-2')]);
    const batch = await groq.batches.create({ input_file_id: fileId, endpoint: '/v1/chat/completions', completion_window: '24h' });
    fake.batches.advance(4_000);
    const done = await groq.batches.retrieve(batch.id);
    expect(done).toMatchObject({ status: 'completed', request_counts: { completed: 1, failed: 1 } });
    expect((await outputLines(done.error_file_id))[0]).toMatchObject({ custom_id: 'b-2', response: { status_code: 400, body: { error: { message: 'Invalid image data', code: 'invalid_image' } } } });
  });

  it('expires a batch that outlasts its window: answered lines in the output, the rest batch_expired', async () => {
    fake.batches.setTiming({ processSeconds: 2 * 86_400 });
    const fileId = await upload([await describeLine('c-1'), await describeLine('c-2'), await describeLine('c-3'), await describeLine('c-4')]);
    const batch = await groq.batches.create({ input_file_id: fileId, endpoint: '/v1/chat/completions', completion_window: '24h' });
    fake.batches.advance(86_400);
    const expired = await groq.batches.retrieve(batch.id);
    expect(expired).toMatchObject({ status: 'expired', request_counts: { total: 4, completed: 1, failed: 3 } });
    expect((await outputLines(expired.error_file_id)).map((entry) => entry.error?.code)).toEqual(['batch_expired', 'batch_expired', 'batch_expired']);
  });

  it('cancels a batch: cancelling, then cancelled with every unanswered line in the error file', async () => {
    const batch = await groq.batches.create({ input_file_id: await upload([await describeLine('d-1')]), endpoint: '/v1/chat/completions', completion_window: '24h' });
    expect((await groq.batches.cancel(batch.id)).status).toBe('cancelling');
    const cancelled = await groq.batches.retrieve(batch.id);
    expect(cancelled.status).toBe('cancelled');
    expect((await outputLines(cancelled.error_file_id))[0].error?.code).toBe('batch_cancelled');
  });

  it('refuses an account without batch access at create (403), and fails a batch for a model it will not batch', async () => {
    const fileId = await upload([await describeLine('e-1')]);
    fake.batches.refuse({ account: true });
    await expect(groq.batches.create({ input_file_id: fileId, endpoint: '/v1/chat/completions', completion_window: '24h' })).rejects.toMatchObject({ status: 403, message: expect.stringContaining(BATCH_ACCOUNT_REFUSAL) });
    fake.batches.refuse({ models: [MODEL] });
    const batch = await groq.batches.create({ input_file_id: fileId, endpoint: '/v1/chat/completions', completion_window: '24h' });
    fake.batches.advance(10);
    expect(await groq.batches.retrieve(batch.id)).toMatchObject({ status: 'failed', errors: { data: [{ code: 'model_not_supported', line: 1 }] } });
  });

  it.each([
    ['a purpose other than batch', async () => groq.files.create({ file: await toFile(Buffer.from(`${line('x', { model: MODEL, messages: [] })}\n`), 'b.jsonl'), purpose: 'batch_output' as 'batch' }), /purpose/],
    ['a line that is not JSON', async () => upload(['{not json']), /line 1: not valid JSON/],
    ['a duplicate custom_id', async () => upload([line('x', { model: MODEL, messages: [] }), line('x', { model: MODEL, messages: [] })]), /line 2: duplicate custom_id/],
    ['another endpoint', async () => upload([JSON.stringify({ custom_id: 'x', method: 'POST', url: '/v1/embeddings', body: { model: MODEL } })]), /'url' must be/],
    ['a completion window under 24h', async () => groq.batches.create({ input_file_id: await upload([line('x', { model: MODEL, messages: [] })]), endpoint: '/v1/chat/completions', completion_window: '1h' }), /completion_window/],
  ])('refuses %s with a 400 naming it', async (_name, call, message) => {
    await expect(call()).rejects.toMatchObject({ status: 400, message: expect.stringMatching(message) });
  });

  it("counts an image's input tokens by its size: a token per 28 px patch, at most 2,048", async () => {
    expect([imageTokens(1200, 1200), imageTokens(1024, 1024), imageTokens(768, 768), imageTokens(512, 512), imageTokens(4000, 3000)]).toEqual([1849, 1369, 784, 361, 2048]);
    const fileId = await upload([await describeLine('f-1', 512), await describeLine('f-2', 1024)]);
    const batch = await groq.batches.create({ input_file_id: fileId, endpoint: '/v1/chat/completions', completion_window: '24h' });
    fake.batches.advance(4_000);
    const [small, large] = await outputLines((await groq.batches.retrieve(batch.id)).output_file_id);
    const prompt = (entry: typeof small) => (entry.response?.body.usage as { prompt_tokens: number }).prompt_tokens;
    expect(prompt(large) - prompt(small)).toBe(1369 - 361);
  });
});
