import { Server } from 'node:http';
import { checkConfiguredModelAtStartup } from '@/lib/alt';
import { guardServerRequests } from '@/lib/auth';
import { config } from '@/lib/config';
import { dbHandle } from '@/db/client';
import { configuredModelLoads } from '@/lib/embed';
import { joinAsInstance, leaveInstance, startSweeper, stopSweeper } from '@/lib/jobs';

/**
 * What the Node.js server does once at start (instrumentation.ts calls it): hook the HTTP server (unknown
 * methods, the peer's address), validate configuration, open (and migrate) the database, and start the jobs
 * sweeper (lib/jobs), which picks up due and abandoned work on a timer while the server runs. Its own module,
 * imported only in the Node.js runtime, so the edge build of instrumentation never sees Node's APIs.
 */
export async function bootServer(): Promise<void> {
  guardServerRequests(Server);
  const { jobs } = config();
  const handle = await dbHandle();
  // Not awaited: asking the provider for its model list must never delay start-up or a request.
  void checkConfiguredModelAtStartup(handle.db);
  // Nor loading the embedding model: whether it loads is recorded for the admin page and the search page.
  void configuredModelLoads(handle.db).catch((error: unknown) => console.warn('[loupe] checking the embedding model failed:', error));
  // Before any claim (the sweeper's, an upload's after()): every claim records this server as its holder.
  await joinAsInstance(handle, 'server');
  if (jobs.sweeper) await startSweeper();
  // Stop claiming on shutdown, let the sweeper's jobs in flight settle, and leave: whatever this server still
  // holds is free for another at once. A kill -9 leaves the row, whose heartbeat then goes stale.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      void stopSweeper()
        .then(leaveInstance)
        .finally(() => process.exit(0));
    });
  }
}
