/**
 * Runs once when the server starts: hook the HTTP server (unknown methods, the peer's address), validate
 * configuration, open (and migrate) the database at boot, and start the jobs sweeper (lib/jobs), which picks up
 * due and abandoned work on a timer while the server runs.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const [{ Server }, { guardServerRequests }] = await Promise.all([import('node:http'), import('@/lib/auth/methods')]);
  guardServerRequests(Server);
  const { config } = await import('@/lib/config');
  const { jobs } = config();
  const { dbHandle } = await import('@/db/client');
  const { db } = await dbHandle();
  // Not awaited: asking the provider for its model list must never delay start-up or a request.
  const { checkConfiguredModelAtStartup } = await import('@/lib/alt');
  void checkConfiguredModelAtStartup(db);
  if (!jobs.sweeper) return;
  const { startSweeper, stopSweeper } = await import('@/lib/jobs');
  await startSweeper();
  // Stop claiming on shutdown and let the jobs in flight settle; a kill -9 leaves leases that run out instead.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      void stopSweeper().finally(() => process.exit(0));
    });
  }
}
