import { getDb } from '@/db/client';
import { cronRoute } from '@/lib/auth';
import { enqueueNightlyWork } from '@/lib/connections';
import { describeDryRun, dryRun, runBackfill } from '@/lib/jobs';
import { cronBackfillQuery } from './schema';

/** Vercel stops the function here; the run stops claiming well before, so calls in flight can finish. */
export const maxDuration = 300;
const WORK_MS = (maxDuration - 60) * 1000;

const handler = cronRoute({ query: cronBackfillQuery }, async ({ query, caller }) => {
  const db = await getDb();
  if (query.dryRun) {
    const plan = await dryRun(db, query.selection);
    return Response.json({ status: 'dry_run', plan, summary: describeDryRun(plan) });
  }
  // Connected stores: a sync each, and nightly-mode writebacks, queued for the sweeper.
  const stores = await enqueueNightlyWork(db);
  const result = await runBackfill(db, { trigger: caller ? 'admin' : 'cron', selection: query.selection, mode: query.mode, deadline: new Date(Date.now() + WORK_MS) });
  if (result.kind === 'busy') {
    // Not a failure: the work is being done. The scheduler's next call continues whatever is left.
    return Response.json({ status: 'already_running', message: `A backfill run (${result.running.trigger}) started at ${result.running.startedAt.toISOString()} is still working.`, stores });
  }
  return Response.json({ status: 'ran', run: result.run, selected: result.selected, batch: result.batch, stores });
});

export const GET = handler;
export const POST = handler;
