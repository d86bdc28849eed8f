import { mean, percentile } from '@/tools/bench/search/stats';
import { JUDGE_CRITERIA, JUDGE_PROMPT_VERSION, type JudgeScores } from './judge';
import type { EvalRow } from './evaluate';

export interface Prices {
  /** US dollars per million tokens. */
  input: number;
  output: number;
}

export interface EvalTotals {
  images: number;
  answered: number;
  passed: number;
  /** Of the answers the model gave, the share the quality gate let through. */
  gatePassRate: number;
  failures: Record<string, number>;
  meanLength: number | null;
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  judged: number;
  judgeMeans: JudgeScores | null;
  judgeCostUsd: number;
  /** With translations: how many passed the gate and their tokens, beside the tokens of the descriptions they came from. */
  translations: TranslationTotals | null;
}

export interface TranslationTotals {
  translated: number;
  passed: number;
  inputTokens: number;
  outputTokens: number;
  /** The translations' tokens (in and out) over those of the descriptions they translated; the target is under 0.2. */
  shareOfDescriptions: number;
}

export function summarise(rows: EvalRow[], prices: Prices): EvalTotals {
  const answered = rows.filter((row) => row.answered);
  const passed = rows.filter((row) => row.passed);
  const latencies = answered.flatMap((row) => (row.latencyMs === null ? [] : [row.latencyMs]));
  const judged = rows.flatMap((row) => (row.judge && 'scores' in row.judge ? [row.judge] : []));
  const cost = (input: number, output: number) => (input * prices.input + output * prices.output) / 1_000_000;
  const failures: Record<string, number> = {};
  for (const row of rows.filter((r) => !r.passed)) failures[row.verdict] = (failures[row.verdict] ?? 0) + 1;
  const inputTokens = sumOf(rows, (row) => row.inputTokens);
  const outputTokens = sumOf(rows, (row) => row.outputTokens);
  return {
    images: rows.length,
    answered: answered.length,
    passed: passed.length,
    gatePassRate: answered.length ? passed.length / answered.length : 0,
    failures,
    meanLength: passed.length ? mean(passed.map((row) => row.text?.length ?? 0)) : null,
    p50LatencyMs: latencies.length ? percentile(latencies, 0.5) : null,
    p95LatencyMs: latencies.length ? percentile(latencies, 0.95) : null,
    inputTokens,
    outputTokens,
    costUsd: cost(inputTokens, outputTokens),
    judged: judged.length,
    judgeMeans: judged.length
      ? (Object.fromEntries(JUDGE_CRITERIA.map((criterion) => [criterion, mean(judged.map((j) => j.scores[criterion]))])) as JudgeScores)
      : null,
    judgeCostUsd: cost(sumOf(judged, (j) => j.inputTokens), sumOf(judged, (j) => j.outputTokens)),
    translations: translationTotals(rows),
  };
}

function translationTotals(rows: EvalRow[]): TranslationTotals | null {
  const translated = rows.filter((row) => row.translation);
  if (translated.length === 0) return null;
  const inputTokens = sumOf(translated, (row) => row.translation?.inputTokens ?? 0);
  const outputTokens = sumOf(translated, (row) => row.translation?.outputTokens ?? 0);
  const described = sumOf(translated, (row) => row.inputTokens + row.outputTokens);
  return {
    translated: translated.length,
    passed: translated.filter((row) => row.translation?.verdict === 'pass').length,
    inputTokens,
    outputTokens,
    shareOfDescriptions: described ? (inputTokens + outputTokens) / described : 0,
  };
}

function sumOf<T>(items: T[], pick: (item: T) => number): number {
  return items.reduce((total, item) => total + pick(item), 0);
}

export interface ReportMeta {
  provider: string;
  model: string;
  promptVersion: string;
  judgeModel: string | null;
  /** The locale descriptions were translated into (--translate), if any. */
  translateTo?: string | null;
  dir: string;
  date: string;
}

const cell = (value: string) => value.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
const fixed = (value: number | null, digits = 0) => (value === null ? '–' : value.toFixed(digits));

export function renderMarkdown(meta: ReportMeta, rows: EvalRow[], totals: EvalTotals): string {
  const judging = rows.some((row) => row.judge);
  const lines = [
    `# eval:alt report`,
    '',
    `- provider: ${meta.provider}, model: ${meta.model}, prompt: ${meta.promptVersion}${meta.judgeModel ? `, judge: ${meta.judgeModel} (${JUDGE_PROMPT_VERSION})` : ''}`,
    `- images: ${meta.dir}, run: ${meta.date}`,
    '',
    `| image | verdict | latency ms | tokens in/out | calls | alt text${judging ? ' | A | Cm | Cn | Ac' : ''} |`,
    `| --- | --- | ---: | ---: | ---: | ---${judging ? ' | ---: | ---: | ---: | ---:' : ''} |`,
    ...rows.map((row) => {
      const scores = row.judge && 'scores' in row.judge ? JUDGE_CRITERIA.map((c) => String((row.judge as { scores: JudgeScores }).scores[c])) : ['–', '–', '–', '–'];
      const judgeCells = judging ? ` | ${scores.join(' | ')}` : '';
      return `| ${cell(row.file)} | ${cell(row.verdict)} | ${fixed(row.latencyMs)} | ${row.inputTokens}/${row.outputTokens} | ${row.calls} | ${cell(row.text ?? '')}${judgeCells} |`;
    }),
    '',
    '## Totals',
    '',
    `- gate pass rate: ${(totals.gatePassRate * 100).toFixed(1)}% (${totals.passed} of ${totals.answered} answers; ${totals.images} images)`,
    `- failures: ${Object.entries(totals.failures).map(([kind, n]) => `${kind} ${n}`).join(', ') || 'none'}`,
    `- mean length: ${fixed(totals.meanLength, 1)} characters`,
    `- latency: p50 ${fixed(totals.p50LatencyMs)} ms, p95 ${fixed(totals.p95LatencyMs)} ms`,
    `- tokens: ${totals.inputTokens} in, ${totals.outputTokens} out; cost estimate $${totals.costUsd.toFixed(6)}`,
  ];
  const judgeMeans = totals.judgeMeans;
  if (judgeMeans) {
    const means = JUDGE_CRITERIA.map((c) => `${c} ${judgeMeans[c].toFixed(2)}`).join(', ');
    lines.push(`- LLM judge (${totals.judged} images, 1–5): ${means}; judge cost $${totals.judgeCostUsd.toFixed(6)}`);
  }
  const translations = totals.translations;
  if (translations) {
    lines.push(
      `- translations into ${meta.translateTo ?? '?'}: ${translations.passed} of ${translations.translated} passed the gate; tokens ${translations.inputTokens} in, ${translations.outputTokens} out: ` +
        `${(translations.shareOfDescriptions * 100).toFixed(1)}% of the descriptions' tokens (target: under 20%)`,
      '',
      '| image | translation | tokens in/out | text |',
      '| --- | --- | ---: | --- |',
      ...rows.flatMap((row) =>
        row.translation ? [`| ${cell(row.file)} | ${cell(row.translation.verdict)} | ${row.translation.inputTokens}/${row.translation.outputTokens} | ${cell(row.translation.text ?? '')} |`] : [],
      ),
    );
  }
  const judgeErrors = rows.flatMap((row) => (row.judge && 'error' in row.judge ? [`${row.file}: ${row.judge.error}`] : []));
  if (judgeErrors.length) lines.push(`- judge failures: ${judgeErrors.join('; ')}`);
  return lines.join('\n') + '\n';
}
