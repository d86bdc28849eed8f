import fs from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BATCH_PRICE_SHARE, PROMPT_VERSION, visionProviderFrom, visionCallLimiter, completionsFrom } from '@/lib/alt';
import { evaluateFolder, parseSizes, readReferences, renderMarkdown, renderSizes, summarise, type SizeResult } from '@/tools/eval/alt';
import { config } from '@/lib/config';

/**
 * npm run eval:alt -- --dir <images> [--references <csv>] [--judge-model <model>] [--out <file>] [--limit <n>] [--sizes 512,768,1024] [--translate <locale>]
 *
 * Runs the alt-text generator (the configured provider and model, the locked prompt, the retry policy and the
 * quality gate) over a folder of images and reports, per image, the text, latency, tokens and gate verdict,
 * and in total the gate pass rate, mean length, p50/p95 latency and a cost estimate. With references (a CSV
 * with `filename` and `reference` columns; ../shared/fixtures/products/products.csv works as is), an LLM
 * judge (the configured model unless --judge-model) scores each passed text 1–5 for Accuracy, Completeness,
 * Conciseness and Accessibility. --out writes the report as Markdown, or as JSON when the name ends in .json.
 * Images go to the model at ALT_IMAGE_MAX_EDGE; --sizes runs the eval once per long edge given and adds a table of
 * input tokens per image and cost (online and through the Batch API) at each, to choose the setting with numbers.
 * --translate fr also translates each passed text into that locale (the text-only call and the gate in that
 * locale) and reports the translations' tokens beside the descriptions'.
 */

const USAGE = 'Usage: npm run eval:alt -- --dir <images> [--references <csv>] [--judge-model <model>] [--out <file>] [--limit <n>] [--sizes 512,768,1024] [--translate <locale>]';

const { values: args } = parseArgs({
  options: {
    dir: { type: 'string' },
    references: { type: 'string' },
    'judge-model': { type: 'string' },
    out: { type: 'string' },
    limit: { type: 'string' },
    sizes: { type: 'string' },
    translate: { type: 'string' },
  },
});

async function main(): Promise<number> {
  if (!args.dir) {
    console.error(USAGE);
    return 2;
  }
  const sizes = args.sizes === undefined ? { ok: true as const, sizes: [config().vision.imageMaxEdge] } : parseSizes(args.sizes);
  if (!sizes.ok) {
    console.error(`${sizes.message}\n${USAGE}`);
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
  const meta = { provider: provider.name, model: provider.model, promptVersion: PROMPT_VERSION, judgeModel, translateTo: args.translate ?? null, dir: args.dir, date: new Date().toISOString() };
  const runs: Array<SizeResult & { rows: Awaited<ReturnType<typeof evaluateFolder>> }> = [];
  let markdown = '';
  for (const maxEdge of sizes.sizes) {
    const rows = await evaluateFolder({
      dir: path.resolve(args.dir),
      provider,
      references,
      judge: judgeModel ? { create: endpoint.create, model: judgeModel, timeoutMs: vision.timeoutMs } : undefined,
      maxInputPixels: upload.maxInputPixels,
      maxImages: args.limit ? Number(args.limit) : undefined,
      maxEdge,
      limit: visionCallLimiter(vision.concurrency),
      translateTo: args.translate,
    });
    const totals = summarise(rows, vision.pricePerMTok);
    runs.push({ maxEdge, totals, rows });
    const section = (sizes.sizes.length > 1 ? `<!-- images at ${maxEdge} px -->\n` : '') + renderMarkdown({ ...meta, maxEdge }, rows, totals);
    process.stdout.write(section);
    markdown += section;
  }
  if (runs.length > 1) {
    const table = renderSizes(runs, BATCH_PRICE_SHARE);
    process.stdout.write(`\n${table}`);
    markdown += `\n${table}`;
  }
  if (args.out) {
    const [only] = runs;
    const body = !args.out.endsWith('.json') ? markdown : JSON.stringify(runs.length === 1 ? { meta, totals: only.totals, rows: only.rows } : { meta, sizes: runs }, null, 2);
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
