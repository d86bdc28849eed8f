/**
 * Runs once when the server starts: hook the HTTP server (unknown methods, the peer's address), validate configuration
 * and open (and migrate) the database at boot.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const [{ Server }, { guardServerRequests }] = await Promise.all([import('node:http'), import('@/lib/auth/methods')]);
  guardServerRequests(Server);
  const { config } = await import('@/lib/config');
  config();
  const { dbHandle } = await import('@/db/client');
  await dbHandle();
}
