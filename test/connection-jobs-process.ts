import { sql } from 'drizzle-orm';
import { dbHandle, rows, type Db } from '@/db/client';
import { useConnectorForTests } from '@/lib/connections';
import { joinAsInstance, leaveInstance, runDueJobs } from '@/lib/jobs';
import { pacedWordPress } from './wordpress-loupe';

/**
 * Test support: a worker process for one kind of connection job (`sync` or `writeback`, the first argument), on
 * the database and storage its environment names (DATABASE_URL, or PGlite in DATA_DIR), with the real WordPress
 * connector at LOUPE_TEST_PACE calls a second. It joins as an instance (heartbeat), so once a predecessor killed
 * with kill -9 has been silent JOBS_INSTANCE_STALE_SECONDS, its claims are taken over (on PGlite at once: joining
 * frees every other instance, see lib/jobs/instance.ts); it works until no job of its kind is left to do, then
 * prints `drained` and exits. A test kills it mid-run, and runs it again.
 *
 * While it works it reports what it has committed, one line `progress {"cursor":…,"stored":…,"links":…}` on
 * stdout each time that changes: a test on PGlite cannot read the data folder while this process holds it.
 */
const kind = process.argv[2];
if (kind !== 'sync' && kind !== 'writeback') throw new Error('usage: connection-jobs-process.ts sync|writeback');
const requestsPerSecond = Number(process.env.LOUPE_TEST_PACE ?? 50);
useConnectorForTests(pacedWordPress({ concurrency: 4, requestsPerSecond }));
const handle = await dbHandle();
await joinAsInstance(handle, 'test-worker');

interface Progress {
  cursor: string | null;
  stored: number;
  links: number;
}

/** What other sessions can see (PGlite runs this query outside any open transaction, PostgreSQL reads committed rows). */
async function committed(db: Db): Promise<Progress> {
  const [state] = await rows<Progress>(db, sql`
    select (select sync_cursor from connections order by created_at limit 1) as cursor,
           (select count(*)::int from assets) as stored,
           (select count(*)::int from asset_remotes) as links`);
  return state;
}

let reported = '';
async function report(): Promise<void> {
  const line = JSON.stringify(await committed(handle.db));
  if (line !== reported) console.log(`progress ${line}`);
  reported = line;
}
let reporting = Promise.resolve();
const reporter = setInterval(() => {
  reporting = reporting.then(report).catch((error: unknown) => console.error(error));
}, 50);

for (;;) {
  await runDueJobs(handle.db, { kinds: [kind], concurrency: 2 });
  const [left] = await rows<{ n: number }>(handle.db, sql`select count(*)::int as n from jobs where kind = ${kind} and status in ('pending', 'running')`);
  if (left.n === 0) break;
  // A job still held by a killed predecessor is free once its heartbeat is stale: ask again shortly.
  await new Promise((resolve) => setTimeout(resolve, 100));
}
clearInterval(reporter);
await reporting;
await leaveInstance();
await handle.close();
console.log('drained');
