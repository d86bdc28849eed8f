import { parseArgs } from 'node:util';
import { isUuid } from '@/lib/assets';
import { removeAbandonedUploads } from '@/lib/ingest';
import { runAssetJobs, runDueJobs, type AssetRunOutcome, type JobOutcome } from '@/lib/jobs';
import { withDatabase } from './with-database';

/**
 * npm run process -- --pending        run every job that is due now (never started, abandoned by a crashed
 *                                     worker, retry due), and remove uploads announced but never completed
 * npm run process -- <asset id>       run the jobs due on one asset
 * A thin shell over lib/jobs, the same claimer as the app's after() and its in-app sweeper (which does this by
 * itself while the server runs): safe beside app instances on PostgreSQL. On the embedded PGlite database it
 * refuses while the server holds the folder; the server's sweeper does the work then.
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

  return withDatabase(async ({ db }) => {
    if (assetId) {
      const outcome = await runAssetJobs(db, assetId);
      console.log(describeAsset(outcome, assetId));
      return outcome.kind === 'failed' ? 2 : 0;
    }
    const abandoned = await removeAbandonedUploads(db);
    if (abandoned) console.log(`Removed ${abandoned} upload(s) announced but never completed.`);
    const summary = await runDueJobs(db, { concurrency: workers, onJob: (outcome) => console.log(describeJob(outcome)) });
    console.log(
      `Done: ${summary.done} job(s) finished, ${summary.retry} to retry later, ${summary.failed} failed, ` +
        `${summary.lost} taken over by another worker. Nothing else is due.`,
    );
    return 0;
  }, { joinAs: 'process' });
}

function parse() {
  return parseArgs({ options: { pending: { type: 'boolean', default: false }, workers: { type: 'string' } }, allowPositionals: true, strict: true });
}

function describeJob(outcome: JobOutcome): string {
  const { job } = outcome;
  const what = `${job.assetId}: ${job.kind}${job.key ? ` (${job.key})` : ''}`;
  switch (outcome.kind) {
    case 'done':
      return `${what} ${job.status === 'waiting' ? 'to run again later' : 'done'}`;
    case 'retry':
      return `${what} failed (${outcome.code}), retried at ${job.nextAttemptAt?.toISOString()}`;
    case 'failed':
      return `${what} failed (${outcome.code}) for good`;
    case 'lost':
      return `${what} taken over by another worker`;
  }
}

function describeAsset(outcome: AssetRunOutcome, assetId: string): string {
  switch (outcome.kind) {
    case 'finished':
      return `${outcome.asset.id}: ${outcome.asset.state}`;
    case 'failed':
      return `${outcome.asset.id}: ${outcome.step} failed (${outcome.code}) → ${outcome.asset.state}`;
    case 'skipped':
      return `${assetId}: nothing due, or another worker holds it`;
    case 'lost':
      return `${assetId}: taken over by another worker`;
  }
}

process.exitCode = await main();
