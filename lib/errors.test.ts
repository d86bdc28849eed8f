import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isDatabaseUnreachable, toErrorResponse } from './errors';

/** A port nothing listens on: one the system just handed out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const failureOf = (work: () => Promise<unknown>) => work().then(() => null, (error: unknown) => error);

/** Issue 17, attack 11: which failures mean "the database cannot be reached" (503 and Retry-After), and which are bugs (500). */
describe('a database that cannot be reached', () => {
  afterEach(() => vi.restoreAllMocks());

  it('is recognised from what postgres.js and drizzle throw: a refused connection, in a query and in a transaction', async () => {
    const client = postgres(`postgres://postgres@127.0.0.1:${await closedPort()}/loupe`, { max: 1, onnotice: () => {} });
    const db = drizzlePostgres(client);
    try {
      expect(isDatabaseUnreachable(await failureOf(() => db.execute(sql`select 1`)))).toBe(true);
      expect(isDatabaseUnreachable(await failureOf(() => db.transaction((tx) => tx.execute(sql`select 1`))))).toBe(true);
    } finally {
      await client.end({ timeout: 0 });
    }
  });

  it('is recognised from PostgreSQL shutting down, starting up, or dropping the connection', () => {
    for (const code of ['57P01', '57P02', '57P03', '08006', '53300']) {
      expect(isDatabaseUnreachable(new postgres.PostgresError({ message: 'terminating connection due to administrator command', code, severity: 'FATAL' } as never)), code).toBe(true);
    }
    const dropped = Object.assign(new Error('write CONNECTION_CLOSED 127.0.0.1:5432'), { code: 'CONNECTION_CLOSED', query: 'select 1' });
    expect(isDatabaseUnreachable(new Error('Failed query: select 1', { cause: dropped }))).toBe(true);
  });

  it('is recognised from an embedded database that was closed', async () => {
    const client = await PGlite.create('memory://');
    await client.close();
    expect(isDatabaseUnreachable(await failureOf(() => drizzlePglite(client).execute(sql`select 1`)))).toBe(true);
  });

  it('is not a failed query, a refused connection to something else (storage, a provider) or a full disk', () => {
    expect(isDatabaseUnreachable(new postgres.PostgresError({ message: 'duplicate key value violates unique constraint', code: '23505', severity: 'ERROR' } as never))).toBe(false);
    expect(isDatabaseUnreachable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9000'), { code: 'ECONNREFUSED' }))).toBe(false);
    expect(isDatabaseUnreachable(Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' }))).toBe(false);
    expect(isDatabaseUnreachable(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
  });

  it('is answered 503 database_unavailable with Retry-After, not 500', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const response = toErrorResponse(new postgres.PostgresError({ message: 'the database system is starting up', code: '57P03', severity: 'FATAL' } as never), 'GET /api/assets');
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await response.json()).toEqual({
      error: { code: 'database_unavailable', message: 'The database cannot be reached right now, so nothing was done. Try again in a few seconds.' },
    });
  });
});
