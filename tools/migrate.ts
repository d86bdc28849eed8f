import { config } from '@/lib/config';
import { dbHandle } from '@/db/client';
import { rootCause } from './with-database';

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

/** Connection strings carry passwords; never print them. */
function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

process.exitCode = await main();
