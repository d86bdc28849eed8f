import { config } from '@/lib/config';
import { dbHandle } from '@/db/client';

/**
 * npm run db:migrate: applies drizzle/ migrations to the configured database (DATABASE_URL, or the embedded
 * PGlite under DATA_DIR). Exits 1 with the reason when the configuration is invalid, the database cannot be
 * reached or a migration fails, so deploy scripts stop there.
 */
async function main(): Promise<number> {
  let target: string;
  try {
    const { database } = config();
    target = database.driver === 'postgres' ? `PostgreSQL at ${redact(database.url)}` : `the embedded database in ${database.dir}`;
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  }
  try {
    // Opening the database applies every pending migration.
    const handle = await dbHandle();
    await handle.close();
  } catch (error) {
    console.error(`Could not migrate ${target}: ${rootCause(error)}`);
    return 1;
  }
  console.log(`Migrations applied to ${target}.`);
  return 0;
}

/** drizzle wraps driver errors as "Failed query: …"; the driver's own message (ECONNREFUSED, auth failed…) is the useful one. */
function rootCause(error: unknown): string {
  let current = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message || String((current as NodeJS.ErrnoException).code) : String(current);
}

/** Connection strings carry passwords; never print them. */
function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

process.exitCode = await main();
