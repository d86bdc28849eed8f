/**
 * Runs once when the server starts: refuse unknown HTTP methods before Next sees them, validate configuration
 * and open (and migrate) the database at boot.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const [{ Server }, { refuseUnknownMethods }] = await Promise.all([import('node:http'), import('@/lib/auth/methods')]);
  refuseUnknownMethods(Server);
  const { config } = await import('@/lib/config');
  config();
  const { dbHandle } = await import('@/db/client');
  await dbHandle();
}
