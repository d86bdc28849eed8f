/**
 * Runs once when the server starts: validate configuration, open (and migrate) the database at boot, and start
 * the jobs sweeper (lib/jobs), which picks up due and abandoned work on a timer while the server runs.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { config } = await import('@/lib/config');
  const { jobs } = config();
  const { dbHandle } = await import('@/db/client');
  await dbHandle();
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
