import fs from 'node:fs/promises';
import path from 'node:path';
import { makeDerivatives } from '@/lib/ingest';
import type { CreateCompletion, RetryOptions, AltContext, VisionProvider } from '@/lib/alt';
import { generateAlt, toDataUrl, memoryBackoff, translateAlt } from '@/lib/alt';
import { judgeAltText, type JudgeScores } from './judge';
import type { ReferenceRow } from './references';

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.gif', '.avif', '.tif', '.tiff', '.heic', '.heif']);

export interface EvalRow {
  file: string;
  text: string | null;
  /** `pass`, `gate: <reason>` or the failure kind. */
  verdict: string;
  /** The model answered (its text then passed or failed the gate). */
  answered: boolean;
  passed: boolean;
  /** Of the call that produced the answer. */
  latencyMs: number | null;
  inputTokens: number;
  outputTokens: number;
  calls: number;
  reference: string | null;
  judge: { scores: JudgeScores; comment: string; inputTokens: number; outputTokens: number } | { error: string } | null;
  /** With `translateTo`: the passed text translated (a text-only call), its gate verdict and its tokens. */
  translation: EvalTranslation | null;
}

export interface EvalTranslation {
  text: string | null;
  /** `pass`, `gate: <reason>` or the failure kind. */
  verdict: string;
  inputTokens: number;
  outputTokens: number;
}

export interface EvalOptions extends RetryOptions {
  dir: string;
  provider: VisionProvider;
  references?: Map<string, ReferenceRow>;
  judge?: { create: CreateCompletion; model: string; timeoutMs: number };
  maxInputPixels: number;
  /** Only the first n images (sorted by name). */
  maxImages?: number;
  /** Also translate each passed text from English into this locale, to compare a translation's cost with a description's. */
  translateTo?: string;
}

/**
 * Runs the real generator (prompt, policy, gate) over a folder, one image after another so latencies are
 * not inflated by our own queueing. Each image goes through the same vision derivative the pipeline sends.
 */
export async function evaluateFolder(options: EvalOptions): Promise<EvalRow[]> {
  const files = (await fs.readdir(options.dir)).filter((name) => IMAGE_EXTENSIONS.has(path.extname(name).toLowerCase())).sort();
  const backoff = memoryBackoff();
  const rows: EvalRow[] = [];
  for (const file of files.slice(0, options.maxImages ?? files.length)) {
    rows.push(await evaluateImage(file, options, backoff));
  }
  return rows;
}

async function evaluateImage(file: string, options: EvalOptions, backoff: ReturnType<typeof memoryBackoff>): Promise<EvalRow> {
  const reference = options.references?.get(file) ?? null;
  const base: EvalRow = { file, text: null, verdict: '', answered: false, passed: false, latencyMs: null, inputTokens: 0, outputTokens: 0, calls: 0, reference: reference?.reference ?? null, judge: null, translation: null };
  const derived = await makeDerivatives(await fs.readFile(path.join(options.dir, file)), { maxInputPixels: options.maxInputPixels });
  if (!derived.ok) return { ...base, verdict: `unreadable: ${derived.code}` };
  const image = toDataUrl(derived.outputs.vision.data, 'image/webp');
  if (!image.ok) return { ...base, verdict: image.kind };

  const context: AltContext = { title: reference?.title, tags: reference?.tags ?? [], filename: file };
  const outcome = await generateAlt(options.provider, { image: image.image, context }, { ...options, backoff, log: { warn: () => {} } });
  const answeredCall = outcome.attempts.at(-1);
  const row: EvalRow = {
    ...base,
    text: outcome.result.ok ? outcome.result.text : (outcome.rejected?.text ?? null),
    verdict: outcome.result.ok ? 'pass' : outcome.rejected ? `gate: ${outcome.rejected.reason}` : outcome.result.kind,
    answered: outcome.result.ok || outcome.rejected !== undefined,
    passed: outcome.result.ok,
    latencyMs: answeredCall?.ok ? answeredCall.latencyMs : null,
    inputTokens: sum(outcome.attempts.map((a) => (a.ok ? a.usage.inputTokens : 0))),
    outputTokens: sum(outcome.attempts.map((a) => (a.ok ? a.usage.outputTokens : 0))),
    calls: outcome.attempts.length,
  };
  if (outcome.result.ok && options.translateTo) {
    const translated = await translateAlt(
      { text: outcome.result.text, from: 'en', to: options.translateTo, product: { title: reference?.title } },
      { ...options, backoff, log: { warn: () => {} } },
    );
    const billed = translated.usage;
    row.translation = {
      text: translated.ok ? translated.text : (translated.rejected?.text ?? null),
      verdict: translated.ok ? 'pass' : translated.rejected ? `gate: ${translated.rejected.reason}` : translated.kind,
      inputTokens: billed?.inputTokens ?? 0,
      outputTokens: billed?.outputTokens ?? 0,
    };
  }
  if (!options.judge || !reference || !outcome.result.ok) return row;
  const judged = await judgeAltText(options.judge.create, options.judge.model, { image: image.image, candidate: outcome.result.text, reference: reference.reference }, options.judge);
  return {
    ...row,
    judge: judged.ok ? { scores: judged.scores, comment: judged.comment, inputTokens: judged.usage.inputTokens, outputTokens: judged.usage.outputTokens } : { error: judged.message },
  };
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
