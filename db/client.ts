import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import type { SQL } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { config } from '@/lib/config';
import type { Db, DbHandle } from './handle';
import { migrate } from './migrate';
import * as schema from './schema';

/**
 * Opens the process's database (see handle.ts for the one client type); `rows()` hides the one place the two
 * drivers' results differ (raw `execute`).
 */
export type { Db, DbHandle };

export async function openPostgres(url: string, options: { max?: number } = {}): Promise<DbHandle> {
  const client = postgres(url, { max: options.max ?? 10, onnotice: () => {} });
  return { db: drizzlePostgres(client, { schema }), driver: 'postgres', close: () => client.end({ timeout: 5 }) };
}

/** PGlite in `dir`, or in memory when `dir` is undefined (tests). */
export async function openPglite(dir?: string): Promise<DbHandle> {
  let releaseLock = () => {};
  if (dir) {
    fs.mkdirSync(dir, { recursive: true });
    releaseLock = lockDataFolder(dir);
  }
  const client = await PGlite.create(dir ?? 'memory://', { extensions: { vector } });
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    driver: 'pglite',
    close: async () => {
      await client.close();
      releaseLock();
    },
  };
}

/**
 * PGlite is single-process: two processes on one folder corrupt it. The first opener writes its pid; a second
 * process refuses with a message that says what to do instead.
 */
function lockDataFolder(dir: string): () => void {
  const lockFile = path.join(dir, 'loupe.lock');
  const holder = pgliteHolder(dir);
  if (holder !== null) {
    throw new Error(
      `The embedded database in ${dir} is in use by another Loupe process (pid ${holder}). ` +
        'PGlite allows one process at a time: stop that process (e.g. the dev server) first, ' +
        'or run Loupe on PostgreSQL (DATABASE_URL) to share the database between processes.',
    );
  }
  fs.writeFileSync(lockFile, String(process.pid));
  const release = () => {
    try {
      if (fs.readFileSync(lockFile, 'utf8') === String(process.pid)) fs.unlinkSync(lockFile);
    } catch {
      // Already gone: nothing to release.
    }
  };
  process.once('exit', release);
  return release;
}

/** The pid of another live process holding the embedded database in `dir`, or null (CLIs then ask the server instead). */
export function pgliteHolder(dir: string): number | null {
  try {
    const holder = Number(fs.readFileSync(path.join(dir, 'loupe.lock'), 'utf8'));
    return holder && holder !== process.pid && isAlive(holder) ? holder : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Rows of a raw query, whichever driver ran it (postgres.js returns an array, PGlite `{ rows }`). */
export async function rows<T>(db: Pick<Db, 'execute'>, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}

const globalForDb = globalThis as unknown as { loupeDb?: Promise<DbHandle> };

/** The process-wide database, opened (and migrated) on first use; cached on globalThis for dev hot reload. */
export function dbHandle(): Promise<DbHandle> {
  globalForDb.loupeDb ??= openConfigured().catch((error) => {
    globalForDb.loupeDb = undefined;
    throw error;
  });
  return globalForDb.loupeDb;
}

/**
 * Only the doors call this: route handlers, pages and server actions in app/, the guard (lib/auth/guard.ts), the
 * job runner's entry (lib/jobs/sweeper.ts), instrumentation.ts and tools/ (plus lib/auth/signing.ts, which caches
 * the URL-signing secret per process). Everything else in lib/ takes `db: Db` (or a transaction) as its first
 * parameter, so the caller decides which database and which transaction a piece of work runs in, and tests pass
 * their own. test/layout.test.ts enforces it; README "Reaching the database, one way" explains it.
 */
export async function getDb(): Promise<Db> {
  return (await dbHandle()).db;
}

/** Tests install their own database (a fresh PGlite or a cloned PostgreSQL database). */
export function useDbForTests(handle: DbHandle): void {
  globalForDb.loupeDb = Promise.resolve(handle);
}

async function openConfigured(): Promise<DbHandle> {
  const { database } = config();
  const handle = database.driver === 'postgres' ? await openPostgres(database.url) : await openPglite(database.dir);
  await migrate(handle);
  return handle;
}
