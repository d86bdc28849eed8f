import { dbHandle, type DbHandle } from '@/db/client';

/**
 * Opens the configured database for a CLI command, runs it, and closes it. When the database cannot be opened
 * (unreachable PostgreSQL, or an embedded PGlite folder held by a running server) it prints why and returns 1,
 * so every command fails the same clear way.
 */
export async function withDatabase(run: (handle: DbHandle) => Promise<number>): Promise<number> {
  let handle: DbHandle;
  try {
    handle = await dbHandle();
  } catch (error) {
    console.error(`Could not open the database: ${rootCause(error)}`);
    return 1;
  }
  try {
    return await run(handle);
  } finally {
    await handle.close();
  }
}

/** drizzle wraps driver errors as "Failed query: …"; the driver's own message (ECONNREFUSED, auth failed…) is the useful one. */
export function rootCause(error: unknown): string {
  let current = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message || String((current as NodeJS.ErrnoException).code) : String(current);
}
