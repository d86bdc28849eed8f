import { sql } from 'drizzle-orm';
import { dbHandle, rows } from '@/db/client';
import { useConnectorForTests } from '@/lib/connections';
import { joinAsInstance, leaveInstance, runDueJobs } from '@/lib/jobs';
import { pacedWordPress } from './wordpress-loupe';

/**
 * Test support: a worker process for one kind of connection job (`sync` or `writeback`, the first argument), on
 * the database and storage its environment names (DATABASE_URL, DATA_DIR), with the real WordPress connector at
 * LOUPE_TEST_PACE calls a second. It joins as an instance (heartbeat), so once a predecessor killed with kill -9
 * has been silent JOBS_INSTANCE_STALE_SECONDS, its claims are taken over; it works until no job of its kind is
 * left to do, then exits. A test kills it mid-run, and runs it again.
 */
const kind = process.argv[2];
if (kind !== 'sync' && kind !== 'writeback') throw new Error('usage: connection-jobs-process.ts sync|writeback');
const requestsPerSecond = Number(process.env.LOUPE_TEST_PACE ?? 50);
useConnectorForTests(pacedWordPress({ concurrency: 4, requestsPerSecond }));
const handle = await dbHandle();
await joinAsInstance(handle, 'test-worker');
for (;;) {
  await runDueJobs(handle.db, { kinds: [kind], concurrency: 2 });
  const [left] = await rows<{ n: number }>(handle.db, sql`select count(*)::int as n from jobs where kind = ${kind} and status in ('pending', 'running')`);
  if (left.n === 0) break;
  // A job still held by a killed predecessor is free once its heartbeat is stale: ask again shortly.
  await new Promise((resolve) => setTimeout(resolve, 100));
}
await leaveInstance();
await handle.close();
console.log('drained');
