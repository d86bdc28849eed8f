import { parseArgs } from 'node:util';
import { pgliteHolder } from '@/db/client';
import { config } from '@/lib/config';
import { describeDryRun, dryRun, formatMinutes, runBackfill, selectionFromStrings, type BackfillResult, type Progress } from '@/lib/jobs';
import { withDatabase } from './with-database';

/**
 * npm run backfill -- [--dry-run] [--batch | --online] [--regenerate --prompt-version-below N --model M] [--tag T] [--since DATE] [--limit N]
 * Fills in missing and failed-and-due alt text (and missing vectors) through the job queue at backfill
 * priority, paced to the provider's limits, within the daily budget. Ctrl-C stops after the calls in flight;
 * the next run continues. On the embedded database while the server runs, it asks the server to do the work.
 * --batch (or BACKFILL_MODE=batch) sends the describe requests to Groq's Batch API instead, at half the price:
 * the run sends them and ends; the server's sweeper (or the next run) polls the batches and applies the answers.
 */
const USAGE =
  'Usage: npm run backfill -- [--dry-run] [--batch | --online] [--regenerate (--prompt-version-below N | --model M)] [--tag TAG] [--since YYYY-MM-DD] [--limit N]';

const FLAGS = {
  'dry-run': { type: 'boolean' },
  batch: { type: 'boolean' },
  online: { type: 'boolean' },
  regenerate: { type: 'boolean' },
  'prompt-version-below': { type: 'string' },
  model: { type: 'string' },
  tag: { type: 'string' },
  since: { type: 'string' },
  limit: { type: 'string' },
  help: { type: 'boolean' },
} as const;

async function main(): Promise<number> {
  let values: ReturnType<typeof parseArgs<{ options: typeof FLAGS; strict: true }>>['values'];
  try {
    ({ values } = parseArgs({ options: FLAGS, strict: true, allowPositionals: false }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.batch && values.online) {
    console.error(`--batch and --online choose opposite modes: give one.\n${USAGE}`);
    return 2;
  }
  const query = {
    ...(values['dry-run'] ? { dryRun: 'true' } : {}),
    ...(values.batch ? { mode: 'batch' } : values.online ? { mode: 'online' } : {}),
    ...(values.regenerate ? { regenerate: 'true' } : {}),
    promptVersionBelow: values['prompt-version-below'],
    model: values.model,
    tag: values.tag,
    since: values.since,
    limit: values.limit,
  };
  const defined = Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined)) as Record<string, string>;
  const parsed = selectionFromStrings(defined);
  if (!parsed.ok) {
    console.error(`${parsed.message}\n${USAGE}`);
    return 2;
  }

  const { database } = config();
  if (database.driver === 'pglite' && pgliteHolder(database.dir) !== null) return askServer(defined);

  return withDatabase(async ({ db }) => {
    if (parsed.dryRun) {
      for (const line of describeDryRun(await dryRun(db, parsed.selection))) console.log(line);
      return 0;
    }
    const stop = new AbortController();
    process.on('SIGINT', () => {
      if (stop.signal.aborted) process.exit(130);
      stop.abort();
      console.log('\nStopping after the calls in flight (Ctrl-C again to quit now); the next run continues from here.');
    });
    const result = await runBackfill(db, { trigger: 'cli', selection: parsed.selection, mode: parsed.mode, signal: stop.signal, onProgress: printProgress });
    if (process.stdout.isTTY) process.stdout.write('\n');
    return report(result);
  }, { joinAs: 'backfill' });
}

function printProgress(progress: Progress): void {
  const elapsedMin = (Date.now() - progress.startedAt) / 60_000;
  const rate = elapsedMin > 0 ? progress.done / elapsedMin : 0;
  const eta = rate > 0 ? formatMinutes((progress.total - progress.done) / rate) : '…';
  const line = `${progress.done}/${progress.total} described (${progress.written} written, ${progress.failed} failed) · ${rate.toFixed(1)}/min · ETA ${eta} · $${progress.costUsd.toFixed(4)} so far`;
  if (process.stdout.isTTY) process.stdout.write(`\r${line.padEnd(100)}`);
  else if (progress.done === progress.total || progress.done % 25 === 0) console.log(line);
}

function report(result: BackfillResult): number {
  if (result.kind === 'busy') {
    console.log(`Another backfill run (${result.running.trigger}, started ${result.running.startedAt.toISOString()}) is working; nothing done. Try again when it ends.`);
    return 0;
  }
  const { run, selected } = result;
  if (result.batch?.kind === 'sent') {
    const { batches, lines, online } = result.batch;
    console.log(
      `Sent ${lines} describe request(s) to Groq's Batch API in ${batches} batch(es), at half the online price${online ? ` (${online} video(s) described online)` : ''}. ` +
        `Answers are applied as the batches complete (within ${config().backfill.batchWindow}): the server's sweeper polls them every ${config().backfill.batchPollSeconds} s, or run this command again.`,
    );
  }
  if (result.batch?.kind === 'online') console.log(result.batch.message);
  const failed = Object.entries(run.failed).map(([kind, count]) => `${kind} ${count}`).join(', ') || 'none';
  console.log(
    `Backfill ${run.stopReason}: ${run.written} alt text(s) written of ${run.selected} selected ` +
      `(${selected.missing} missing, ${selected.failed_due} retrying and due, ${selected.regenerate} to regenerate); ` +
      `${selected.embedding} asset(s) queued for vectors. Failed: ${failed}. ` +
      `Tokens: ${run.inputTokens} in, ${run.outputTokens} out, $${run.costUsd.toFixed(4)}.`,
  );
  if (run.stopReason === 'budget_images' || run.stopReason === 'budget_usd') console.log('Stopped at the daily budget (BACKFILL_MAX_IMAGES_PER_DAY / BACKFILL_MAX_USD_PER_DAY); tomorrow\'s run continues.');
  if (run.stopReason === 'provider_blocked') console.log('The vision provider is blocked (see Admin → Backfill for until when and why); the next run continues.');
  return run.stopReason === 'done' || run.stopReason?.startsWith('budget') ? 0 : 3;
}

/** The server holds the embedded database: its cron route does the work, authorised by CRON_SECRET. */
async function askServer(query: Record<string, string>): Promise<number> {
  const { backfill, appUrl, port } = config();
  const base = appUrl ?? `http://127.0.0.1:${port}`;
  const url = `${base}/api/cron/backfill?${new URLSearchParams(query)}`;
  if (!backfill.cronSecret) {
    console.error(
      'The embedded database is held by the running server, so this command cannot open it.\n' +
        'Either set CRON_SECRET (the same value for the server and this command) and run this again, which asks the server to do the work,\n' +
        `or call the server yourself as an admin: curl -X POST -H "Authorization: Bearer <admin API token>" "${url}",\n` +
        'or stop the server and run this again.',
    );
    return 1;
  }
  console.log(`The server holds the embedded database: asking it (${base}) to run the backfill, up to its time budget.`);
  try {
    const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${backfill.cronSecret}` } });
    const body = (await response.json()) as { status?: string; summary?: string[]; run?: { stopReason: string; written: number; selected: number }; message?: string; error?: { message: string } };
    if (!response.ok) {
      console.error(`The server answered ${response.status}: ${body.error?.message ?? 'no message'}`);
      return 1;
    }
    if (body.summary) for (const line of body.summary) console.log(line);
    else if (body.run) console.log(`Backfill ${body.run.stopReason}: ${body.run.written} written of ${body.run.selected} selected. Run it again to continue.`);
    else console.log(body.message ?? body.status);
    return 0;
  } catch (error) {
    console.error(`Could not reach the server at ${base} (${(error as Error).message}). Set APP_URL or PORT to where it listens, or stop it and run this again.`);
    return 1;
  }
}

process.exitCode = await main();
