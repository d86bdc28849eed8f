import { Server } from 'node:http';
import { checkConfiguredModelAtStartup } from '@/lib/alt';
import { guardServerRequests } from '@/lib/auth/methods';
import { config } from '@/lib/config';
import { dbHandle } from '@/db/client';
import { configuredModelLoads } from '@/lib/embed';
import { startSweeper, stopSweeper } from '@/lib/jobs';

/**
 * What the Node.js server does once at start (instrumentation.ts calls it): hook the HTTP server (unknown
 * methods, the peer's address), validate configuration, open (and migrate) the database, and start the jobs
 * sweeper (lib/jobs), which picks up due and abandoned work on a timer while the server runs. Its own module,
 * imported only in the Node.js runtime, so the edge build of instrumentation never sees Node's APIs.
 */
export async function bootServer(): Promise<void> {
  guardServerRequests(Server);
  const { jobs } = config();
  const { db } = await dbHandle();
  // Not awaited: asking the provider for its model list must never delay start-up or a request.
  void checkConfiguredModelAtStartup(db);
  // Nor loading the embedding model: whether it loads is recorded for the admin page and the search page.
  void configuredModelLoads(db).catch((error: unknown) => console.warn('[loupe] checking the embedding model failed:', error));
  if (!jobs.sweeper) return;
  await startSweeper();
  // Stop claiming on shutdown and let the jobs in flight settle; a kill -9 leaves leases that run out instead.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      void stopSweeper().finally(() => process.exit(0));
    });
  }
}
