import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { PROMPT_VERSION, visionProviderFrom, visionCallLimiter, completionsFrom } from '@/lib/alt';
import { evaluateFolder, readReferences, renderMarkdown, summarise } from '@/tools/eval/alt';
import { config } from '@/lib/config';

/**
 * npm run eval:alt -- --dir <images> [--references <csv>] [--judge-model <model>] [--out <file>] [--limit <n>] [--translate <locale>]
 *
 * Runs the alt-text generator (the configured provider and model, the locked prompt, the retry policy and the
 * quality gate) over a folder of images and reports, per image, the text, latency, tokens and gate verdict,
 * and in total the gate pass rate, mean length, p50/p95 latency and a cost estimate. With references (a CSV
 * with `filename` and `reference` columns; ../shared/fixtures/products/products.csv works as is), an LLM
 * judge (the configured model unless --judge-model) scores each passed text 1–5 for Accuracy, Completeness,
 * Conciseness and Accessibility. --translate fr also translates each passed text into that locale (the
 * text-only call and the gate in that locale) and reports the translations' tokens beside the descriptions'.
 * --out writes the report as Markdown, or as JSON when the name ends in .json.
 */

const { values: args } = parseArgs({
  options: {
    dir: { type: 'string' },
    references: { type: 'string' },
    'judge-model': { type: 'string' },
    out: { type: 'string' },
    limit: { type: 'string' },
    translate: { type: 'string' },
  },
});

async function main(): Promise<number> {
  if (!args.dir) {
    console.error('Usage: npm run eval:alt -- --dir <images> [--references <csv>] [--judge-model <model>] [--out <file>] [--limit <n>] [--translate <locale>]');
    return 2;
  }
  const { vision, upload } = config();
  const provider = visionProviderFrom(vision);
  const endpoint = completionsFrom(vision);
  if (!provider || !endpoint) {
    console.error('No vision provider configured: set GROQ_API_KEY (or VISION_BASE_URL and VISION_MODEL for an OpenAI-compatible endpoint).');
    return 1;
  }
  const references = args.references ? readReferences(path.resolve(args.references)) : undefined;
  const judgeModel = references ? (args['judge-model'] ?? vision.model) : null;
  const rows = await evaluateFolder({
    dir: path.resolve(args.dir),
    provider,
    references,
    judge: judgeModel ? { create: endpoint.create, model: judgeModel, timeoutMs: vision.timeoutMs } : undefined,
    maxInputPixels: upload.maxInputPixels,
    maxImages: args.limit ? Number(args.limit) : undefined,
    limit: visionCallLimiter(vision.concurrency),
    translateTo: args.translate,
  });
  const totals = summarise(rows, vision.pricePerMTok);
  const meta = { provider: provider.name, model: provider.model, promptVersion: PROMPT_VERSION, judgeModel, translateTo: args.translate ?? null, dir: args.dir, date: new Date().toISOString() };
  const markdown = renderMarkdown(meta, rows, totals);
  process.stdout.write(markdown);
  if (args.out) {
    const body = args.out.endsWith('.json') ? JSON.stringify({ meta, totals, rows }, null, 2) : markdown;
    await fs.writeFile(args.out, body);
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
