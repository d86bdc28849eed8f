import { dbHandle, type DbHandle } from '@/db/client';
import { joinAsInstance, leaveInstance } from '@/lib/jobs';

/**
 * Opens the configured database for a CLI command, runs it, and closes it. When the database cannot be opened
 * (unreachable PostgreSQL, or an embedded PGlite folder held by a running server) it prints why and returns 1,
 * so every command fails the same clear way. A command that runs jobs names itself (`joinAs`): it joins as an
 * instance for its run, so the jobs it holds are freed at once if it is killed (lib/jobs/instance.ts).
 */
export async function withDatabase(run: (handle: DbHandle) => Promise<number>, options: { joinAs?: string } = {}): Promise<number> {
  let handle: DbHandle;
  try {
    handle = await dbHandle();
  } catch (error) {
    console.error(`Could not open the database: ${rootCause(error)}`);
    return 1;
  }
  try {
    if (options.joinAs) await joinAsInstance(handle, options.joinAs);
    return await run(handle);
  } finally {
    await leaveInstance();
    await handle.close();
  }
}

/** drizzle wraps driver errors as "Failed query: …"; the driver's own message (ECONNREFUSED, auth failed…) is the useful one. */
export function rootCause(error: unknown): string {
  let current = error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message || String((current as NodeJS.ErrnoException).code) : String(current);
}
