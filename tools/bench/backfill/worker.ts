import { sql } from 'drizzle-orm';
import { dbHandle, rows } from '@/db/client';
import { runDueJobs, runBackfill } from '@/lib/jobs';

/**
 * One app process for bench:backfill, configured by its environment like the app:
 *   backfill   runs `npm run backfill`'s run (select, enqueue, work through the queue)
 *   sweep      works due jobs as a second instance's sweeper would, until no work is left anywhere
 */
const mode = process.argv[2];
const handle = await dbHandle();

if (mode === 'backfill') {
  const result = await runBackfill(handle.db, { trigger: 'cli', selection: { regenerate: false } });
  console.log(JSON.stringify(result.kind === 'ran' ? { stopReason: result.run.stopReason, written: result.run.written } : { busy: true }));
} else if (mode === 'sweep') {
  for (;;) {
    await runDueJobs(handle.db, { concurrency: Number(process.argv[3] ?? 4) });
    const [left] = await rows<{ count: number }>(handle.db, sql`select count(*)::int as count from jobs where status in ('pending', 'running') or (status = 'waiting' and next_attempt_at <= now())`);
    if (Number(left.count) === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  console.log(JSON.stringify({ swept: true }));
} else {
  console.error('usage: worker.ts backfill | sweep [concurrency]');
  process.exitCode = 2;
}
await handle.close();
