import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { apiOperations } from '@/app/api/openapi.json/operations';
import { GET as listAssets } from '@/app/api/assets/route';
import { openPglite, openPostgres, rows, useDbForTests, type DbHandle } from '@/db/client';
import { assets } from '@/db/schema';
import { dropAfterTasks } from '@/lib/ingest';
import { useStorageForTests, LocalStorage } from '@/lib/storage';
import { call, makeAccount, type TestAccount } from '@/test/auth';
import { startDatabaseProxy } from '@/test/database-proxy';
import { useTestDatabase } from '@/test/db';
import { announceUpload, completeUpload, putToSignedUrl, testJpeg, useTemporaryLocalStorage } from '@/test/ingest';
import { testDatabaseUrl, withDatabaseName } from '@/test/pg-template';

vi.mock('next/server', async (original) => ({ ...(await original<object>()), after: (await import('@/lib/ingest/after-capture')).captureAfter }));

/**
 * A database handle that cannot reach its database: PostgreSQL on a port nothing listens on (a new handle each
 * time: postgres.js backs off between attempts on one), or a closed PGlite.
 */
let closedPglite: DbHandle | undefined;
async function unreachableDatabase(): Promise<DbHandle> {
  if (process.env.LOUPE_TEST_DRIVER !== 'postgres') {
    if (!closedPglite) {
      closedPglite = await openPglite();
      await closedPglite.close();
    }
    return closedPglite;
  }
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return openPostgres(`postgres://postgres@127.0.0.1:${port}/loupe`, { max: 1 });
}

/** Issue 17, attack 11: a database that cannot be reached is 503 with Retry-After, and a failed completion can be retried at once. */
describe('the database going away', () => {
  const database = useTestDatabase();
  const files = useTemporaryLocalStorage();
  let editor: TestAccount;

  beforeAll(async () => {
    editor = await makeAccount(database().db, 'editor');
  });
  afterEach(() => {
    useDbForTests(database());
    useStorageForTests(files().storage);
    dropAfterTasks();
    vi.restoreAllMocks();
  });

  it('every route that needs a caller answers 503 database_unavailable with Retry-After, never 500', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const answers: string[] = [];
    for (const operation of apiOperations().filter(({ handler }) => handler.access !== 'public')) {
      useDbForTests(await unreachableDatabase());
      const path = operation.path.replace(/\{(\w+)\}/g, () => crypto.randomUUID());
      const response = await call(operation.handler, { method: operation.method.toUpperCase(), bearer: editor.token, path, params: { id: crypto.randomUUID(), deliveryId: crypto.randomUUID() } });
      const body = (await response.json()) as { error?: { code: string } };
      answers.push(`${operation.method} ${operation.path} ${response.status} ${body.error?.code} retry-after ${response.headers.get('retry-after')}`);
    }
    expect(answers).toEqual(answers.map((answer) => answer.replace(/ \d+ \S+ retry-after \S+$/, ' 503 database_unavailable retry-after 5')));
  });

  it.skipIf(process.env.LOUPE_TEST_DRIVER !== 'postgres')('a completion cut off by a database restart is 503, and once the database is back a retry completes at once', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const [{ name }] = await rows<{ name: string }>(database().db, sql`select current_database() as name`);
    const proxy = await startDatabaseProxy(withDatabaseName(testDatabaseUrl(), name));
    const proxied = await openPostgres(proxy.url, { max: 2 });
    try {
      useDbForTests(proxied);
      const bytes = await testJpeg(1701);
      const { assetId, upload } = await announceUpload(editor, bytes);
      expect((await putToSignedUrl(upload.url, bytes)).status).toBe(200);

      // The database restarts while completion holds the upload: after its claim, before it records the verdict.
      useStorageForTests(new (class extends LocalStorage {
        async move(from: string, to: string): Promise<boolean> {
          await proxy.cut();
          return super.move(from, to);
        }
      })(files().root));
      const cutOff = await completeUpload(editor, assetId);
      expect(cutOff.status).toBe(503);
      expect(cutOff.headers.get('retry-after')).toBe('5');
      expect(((await cutOff.json()) as { error: { code: string } }).error.code).toBe('database_unavailable');
      useStorageForTests(files().storage);
      expect((await call(listAssets, { bearer: editor.token, path: '/api/assets' })).status).toBe(503);

      await proxy.restore();
      const claim = async () => (await database().db.select({ claimToken: assets.claimToken }).from(assets).where(eq(assets.id, assetId)))[0].claimToken;
      await expect.poll(claim, { timeout: 15_000 }).toBeNull();
      const retried = await completeUpload(editor, assetId);
      expect(retried.status).toBe(202);
      expect(await retried.json()).toEqual({ assetId, state: 'stored' });
    } finally {
      useDbForTests(database());
      await proxied.close();
      await proxy.close();
    }
  });
});
