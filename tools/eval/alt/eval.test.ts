import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGroq, type FakeGroq } from '@/test/fake-groq';
import { groqEndpoint, groqProvider } from '@/lib/alt';
import { evaluateFolder } from './evaluate';
import { readReferences } from './references';
import { renderMarkdown, summarise } from './report';

/** eval:alt against the fake Groq API: the library functions, then the npm script as a process. */

let fake: FakeGroq;
let dir: string;
const model = 'qwen/qwen3.8-27b';
const judgeModel = 'qwen/qwen3.6-27b';
const prices = { input: 0.8, output: 4 };

beforeAll(async () => {
  fake = await startFakeGroq();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'loupe-eval-alt-'));
  const colours = [{ r: 20, g: 30, b: 90 }, { r: 200, g: 30, b: 30 }, { r: 240, g: 240, b: 240 }];
  for (const [index, name] of ['a-backpack.jpg', 'b-coat.jpg', 'c-shirt.jpg'].entries()) {
    await sharp({ create: { width: 900, height: 1200, channels: 3, background: colours[index] } }).jpeg().toFile(path.join(dir, name));
  }
  await fs.writeFile(path.join(dir, 'notes.txt'), 'not an image');
  await fs.writeFile(
    path.join(dir, 'references.csv'),
    'filename,reference,title,tags\n' +
      'a-backpack.jpg,"Navy canvas backpack with tan leather straps, front view on white",Navy canvas backpack,backpack;canvas\n' +
      'b-coat.jpg,Red wool coat on a model,Red wool coat,coat\n',
  );
});
afterAll(async () => {
  await fake.close();
  await fs.rm(dir, { recursive: true, force: true });
});
beforeEach(() => fake.reset());

describe('evaluateFolder and the report', () => {
  it('reports per image and in total, with judge scores where a reference exists', async () => {
    fake.script(
      { kind: 'text', content: 'Navy canvas backpack with tan leather straps, shown from the front on a white background.', promptTokens: 1000, completionTokens: 20 },
      { kind: 'describe' },
      { kind: 'text', content: 'I cannot provide a description of this image.', promptTokens: 900, completionTokens: 15 },
      { kind: 'status', status: 500 },
      { kind: 'status', status: 500 },
      { kind: 'status', status: 500 },
    );
    const provider = groqProvider({ apiKey: fake.apiKey, baseUrl: fake.url, model, temperature: 0.2, maxTokens: 1024, timeoutMs: 5_000, maxRetryWaitMs: 10_000, reasoning: 'off' });
    const rows = await evaluateFolder({
      dir,
      provider,
      references: readReferences(path.join(dir, 'references.csv')),
      judge: { create: groqEndpoint({ apiKey: fake.apiKey, baseUrl: fake.url, timeoutMs: 5_000, reasoning: 'off' }).create, model: judgeModel, timeoutMs: 5_000 },
      maxInputPixels: 100_000_000,
      sleep: async () => true,
    });

    expect(rows.map((row) => [row.file, row.verdict, row.calls])).toEqual([
      ['a-backpack.jpg', 'pass', 1],
      ['b-coat.jpg', 'gate: refusal', 1],
      ['c-shirt.jpg', 'server_error', 3],
    ]);
    const [a] = rows;
    expect(a.judge).toMatchObject({ scores: { accuracy: 4, conciseness: 5, accessibility: 4 } });
    const judgeRequest = fake.requests[1];
    expect(judgeRequest.body).toMatchObject({ model: judgeModel, response_format: { type: 'json_object' } });
    expect(judgeRequest.userText).toContain('<reference>Navy canvas backpack with tan leather straps, front view on white</reference>');
    // The generator got the reference row's title and tags as context.
    expect(fake.requests[0].userText).toContain('"title": "Navy canvas backpack"');

    const totals = summarise(rows, prices);
    expect(totals).toMatchObject({ images: 3, answered: 2, passed: 1, gatePassRate: 0.5, failures: { 'gate: refusal': 1, server_error: 1 }, inputTokens: 1900, outputTokens: 35, judged: 1 });
    expect(totals.costUsd).toBeCloseTo((1900 * 0.8 + 35 * 4) / 1_000_000, 12);
    expect(totals.meanLength).toBe(a.text!.length);

    const markdown = renderMarkdown({ provider: 'groq', model, promptVersion: 'alt-v1', judgeModel, dir, date: 'today' }, rows, totals);
    expect(markdown).toContain('- gate pass rate: 50.0% (1 of 2 answers; 3 images)');
    expect(markdown).toContain('| a-backpack.jpg | pass |');
    expect(markdown).toMatch(/LLM judge \(1 images, 1–5\): accuracy 4\.00/);
  });
});

describe('evaluateFolder with --translate', () => {
  it("translates each passed text and reports the translations' tokens beside the descriptions'", async () => {
    // The first image's translation comes back in English: the gate in French refuses it.
    fake.script({ kind: 'describe' }, { kind: 'translate', answerIn: 'en' });
    const provider = groqProvider({ apiKey: fake.apiKey, baseUrl: fake.url, model, temperature: 0.2, maxTokens: 1024, timeoutMs: 5_000, maxRetryWaitMs: 10_000, reasoning: 'off' });
    const rows = await evaluateFolder({ dir, provider, maxInputPixels: 100_000_000, sleep: async () => true, translateTo: 'fr' });

    expect(rows.map((row) => row.translation?.verdict)).toEqual(['gate: wrong_language', 'pass', 'pass']);
    expect(rows[1]?.translation?.text).toMatch(/photographié de face sur un fond de studio uni/);
    expect(fake.requests.filter((request) => request.image === null)).toHaveLength(3);

    const totals = summarise(rows, prices);
    expect(totals.translations).toMatchObject({ translated: 3, passed: 2 });
    expect(totals.translations!.shareOfDescriptions).toBeLessThan(0.2);
    const markdown = renderMarkdown({ provider: 'groq', model, promptVersion: 'alt-v2', judgeModel: null, translateTo: 'fr', dir, date: 'today' }, rows, totals);
    expect(markdown).toMatch(/- translations into fr: 2 of 3 passed the gate; tokens \d+ in, \d+ out: \d+\.\d% of the descriptions' tokens \(target: under 20%\)/);
    expect(markdown).toContain('| a-backpack.jpg | gate: wrong_language |');
  });

  it('reports no translations without --translate', async () => {
    const provider = groqProvider({ apiKey: fake.apiKey, baseUrl: fake.url, model, temperature: 0.2, maxTokens: 1024, timeoutMs: 5_000, maxRetryWaitMs: 10_000, reasoning: 'off' });
    const rows = await evaluateFolder({ dir, provider, maxInputPixels: 100_000_000, maxImages: 1 });
    expect(summarise(rows, prices).translations).toBeNull();
    expect(fake.requests).toHaveLength(1);
  });
});

describe('npm run eval:alt', () => {
  it('runs as a process against the fake and writes a JSON report', async () => {
    const out = path.join(dir, 'report.json');
    const env = { ...process.env, VISION_PROVIDER: 'groq', GROQ_API_KEY: fake.apiKey, GROQ_BASE_URL: fake.url, VISION_TIMEOUT_MS: '5000' };
    const { stdout } = await promisify(execFile)(
      'npx',
      ['tsx', 'tools/eval-alt.ts', '--dir', dir, '--references', path.join(dir, 'references.csv'), '--out', out],
      { env, cwd: process.cwd() },
    );
    expect(stdout).toContain('# eval:alt report');
    const report = JSON.parse(await fs.readFile(out, 'utf8')) as { totals: { images: number; passed: number; judged: number }; meta: { judgeModel: string } };
    expect(report.totals).toMatchObject({ images: 3, passed: 3, judged: 2 });
    expect(report.meta.judgeModel).toBe(model);
  });
});
