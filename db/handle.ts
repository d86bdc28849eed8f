import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import type * as schema from './schema';

/**
 * One drizzle client type for the whole process: postgres.js when DATABASE_URL is set, PGlite (embedded, with
 * pgvector) otherwise. Both speak the same query builder; the PGlite client is typed as the postgres.js one.
 * Its own module, so that opening (client.ts) and migrating (migrate.ts) both depend on it, not on each other.
 */
export type Db = PostgresJsDatabase<typeof schema>;

export interface DbHandle {
  db: Db;
  driver: 'postgres' | 'pglite';
  close: () => Promise<void>;
}
