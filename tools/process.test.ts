import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { assets } from '@/db/schema';
import { openPglite } from '@/db/client';
import { testJpeg, uploadsLeftUnprocessed } from '@/test/ingest';
import { useStorageForTests } from '@/lib/storage';
import { runCli } from '@/test/run-cli';

vi.mock('next/server', async (original) => ({ ...(await original<object>()), after: (await import('@/lib/ingest/after-capture')).captureAfter }));

const processCli = (dataDir: string, args: string[]) => runCli('process', args, { DATA_DIR: dataDir });

describe('npm run process -- --pending', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'loupe-process-'));
  });
  afterAll(async () => {
    useStorageForTests(undefined);
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('finishes an upload whose server died before processing it', async () => {
    // Upload into the same embedded database and storage the CLI will open, then "crash" (lose after()).
    const [assetId] = await uploadsLeftUnprocessed(dataDir, [await testJpeg(900, 1300, 900)]);

    const result = await processCli(dataDir, ['--pending']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(assetId);
    expect(result.stdout).toContain('Nothing else is due.');

    const reopened = await openPglite(path.join(dataDir, 'pglite'));
    try {
      const [row] = await reopened.db.select().from(assets).where(eq(assets.id, assetId));
      expect(row.state).not.toBe('stored');
      expect(row.derivatives).toMatchObject({ vision: { width: 1200, height: 831 }, grid: { width: 400, height: 277 } });
    } finally {
      await reopened.close();
    }
  }, 180_000);

  it('refuses with a clear message and exit code 1 while another process (the dev server) holds the embedded database', async () => {
    await fs.mkdir(path.join(dataDir, 'pglite'), { recursive: true });
    // This test process is alive and is not the CLI: exactly what a running dev server looks like to it.
    await fs.writeFile(path.join(dataDir, 'pglite', 'loupe.lock'), String(process.pid));
    try {
      const result = await processCli(dataDir, ['--pending']);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`is in use by another Loupe process (pid ${process.pid})`);
      expect(result.stderr).toContain('stop that process (e.g. the dev server) first');
    } finally {
      await fs.rm(path.join(dataDir, 'pglite', 'loupe.lock'), { force: true });
    }
  });

  it('exits 1 with the usage on bad arguments', async () => {
    const result = await processCli(dataDir, ['--pending', crypto.randomUUID()]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Usage: npm run process -- --pending');
  });
});
