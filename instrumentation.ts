/** Runs once when the server starts: validate configuration and open (and migrate) the database at boot. */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { config } = await import('@/lib/config');
  config();
  const { dbHandle } = await import('@/db/client');
  await dbHandle();
  // Not awaited: asking the provider for its model list must never delay start-up or a request.
  const { checkConfiguredModelAtStartup } = await import('@/lib/alt');
  void checkConfiguredModelAtStartup();
}
