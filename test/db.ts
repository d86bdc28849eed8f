import { afterAll, beforeAll } from 'vitest';
import { openPglite, openPostgres, useDbForTests, type DbHandle } from '@/db/client';
import { migrate } from '@/db/migrate';
import { forgetSigningSecret } from '@/lib/auth';
import { createScratchDatabase, templateDatabaseName, testDatabaseUrl, type ScratchDatabase } from './pg-template';

/**
 * Gives the calling test file its own database: a fresh in-memory PGlite, or (in the `postgres` vitest
 * project) a PostgreSQL database cloned from the template that globalSetup migrated once.
 * Returns a getter, since the database exists only once beforeAll has run.
 */
export function useTestDatabase(): () => DbHandle {
  let handle: DbHandle | undefined;
  let dropDatabase = async () => {};
  beforeAll(async () => {
    if (process.env.LOUPE_TEST_DRIVER === 'postgres') {
      const { url, drop } = await clonePostgresTemplate();
      handle = await openPostgres(url, { max: 5 });
      dropDatabase = drop;
    } else {
      handle = await openPglite();
      await migrate(handle);
    }
    useDbForTests(handle);
    forgetSigningSecret();
  }, 60_000);
  afterAll(async () => {
    await handle?.close();
    await dropDatabase();
  });
  return () => {
    if (!handle) throw new Error('useTestDatabase(): the database is ready only inside tests and hooks');
    return handle;
  };
}

function clonePostgresTemplate(): Promise<ScratchDatabase> {
  return createScratchDatabase(testDatabaseUrl(), 'loupe_test', templateDatabaseName());
}
