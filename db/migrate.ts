import path from 'node:path';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { adoptSourceRecords } from '@/lib/locales';
import type { DbHandle } from './handle';
import type * as schema from './schema';

export const migrationsFolder = path.join(process.cwd(), 'drizzle');

/**
 * Applies drizzle/ migrations (idempotent: drizzle records what ran), then the steps SQL cannot take because
 * they depend on settings (the source locale's alt-text records). Called on start and by `npm run db:migrate`.
 */
export async function migrate(handle: DbHandle): Promise<void> {
  if (handle.driver === 'postgres') {
    await migratePostgres(handle.db, { migrationsFolder });
  } else {
    await migratePglite(handle.db as unknown as PgliteDatabase<typeof schema>, { migrationsFolder });
  }
  await adoptSourceRecords(handle.db);
}
