import { parseArgs } from 'node:util';
import { isUuid } from '@/lib/assets';
import { removeAbandonedUploads } from '@/lib/ingest';
import { runPipeline, sweepPending, type PipelineOutcome } from '@/lib/pipeline';
import { withDatabase } from './with-database';

/**
 * npm run process -- --pending        finish every asset with work due (crashed, never started, retry due),
 *                                     and remove uploads announced but never completed
 * npm run process -- <asset id>       run the pipeline on one asset
 * The same pipeline as the app's after(); safe to run beside app instances on PostgreSQL (work is claimed in
 * the database). On the embedded PGlite database it refuses while the dev server holds the folder.
 */
const USAGE = 'Usage: npm run process -- --pending [--workers N]   or   npm run process -- <asset id>';

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse();
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 1;
  }
  const { values, positionals } = parsed;
  const workers = values.workers === undefined ? 2 : Number(values.workers);
  const assetId = positionals[0];
  if (values.pending === Boolean(assetId) || !Number.isInteger(workers) || workers < 1 || (assetId && !isUuid(assetId))) {
    console.error(USAGE);
    return 1;
  }

  return withDatabase(async () => {
    if (assetId) {
      const outcome = await runPipeline(assetId);
      console.log(describe(outcome, assetId));
      return outcome.kind === 'failed' ? 2 : 0;
    }
    const abandoned = await removeAbandonedUploads();
    if (abandoned) console.log(`Removed ${abandoned} upload(s) announced but never completed.`);
    const summary = await sweepPending({ workers, onAsset: (outcome) => console.log(describe(outcome)) });
    console.log(`Done: ${summary.finished} finished, ${summary.failed} failed, ${summary.lost} taken over by another worker. Nothing else is due.`);
    return 0;
  });
}

function parse() {
  return parseArgs({ options: { pending: { type: 'boolean', default: false }, workers: { type: 'string' } }, allowPositionals: true, strict: true });
}

function describe(outcome: PipelineOutcome, assetId?: string): string {
  switch (outcome.kind) {
    case 'finished':
      return `${outcome.asset.id}: ${outcome.asset.state}`;
    case 'failed':
      return `${outcome.asset.id}: ${outcome.step} failed (${outcome.code}) → ${outcome.asset.state}`;
    case 'skipped':
      return `${assetId ?? 'asset'}: nothing due, or another worker holds it`;
    case 'lost':
      return `${assetId ?? 'asset'}: taken over by another worker`;
  }
}

process.exitCode = await main();
