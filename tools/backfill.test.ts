import fs from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite, useDbForTests, type DbHandle } from '@/db/client';
import { migrate } from '@/db/migrate';
import { backfillRuns } from '@/db/schema';
import { resetConfig } from '@/lib/config';
import { POST } from '@/app/api/cron/backfill/route';
import { runCli } from '@/test/run-cli';

const SECRET = 'cli-cron-secret-0123456789abcdef';

describe('npm run backfill', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'loupe-backfill-'));
  });
  afterAll(() => fs.rm(dataDir, { recursive: true, force: true }));
  const cli = (args: string[], env: Record<string, string> = {}) => runCli('backfill', args, { DATA_DIR: dataDir, VISION_PROVIDER: 'none', ...env });

  it('refuses unknown flags and bad values with the reason and the usage, touching nothing', async () => {
    // Every bad value is covered in lib/jobs/backfill's tests; here, that the CLI reports both kinds of mistake.
    for (const [args, message] of [
      [['--bogus'], /Unknown option '--bogus'/],
      [['--limit', 'ten'], /limit: a whole number/],
    ] as const) {
      const result = await cli([...args]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toContain('Usage: npm run backfill');
    }
  }, 240_000);

  it('dry run: prints counts, tokens, cost and time, and calls no model', async () => {
    const result = await cli(['--dry-run'], { VISION_RPM: '30' });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Would describe 0 assets');
    expect(result.stdout).toContain('No model was called.');
  }, 240_000);

  describe('while a server holds the embedded database', () => {
    let handle: DbHandle;
    let server: http.Server;
    let port = 0;
    beforeAll(async () => {
      // This test process plays the server: it holds the folder and serves the real cron route.
      handle = await openPglite(path.join(dataDir, 'pglite'));
      await migrate(handle);
      useDbForTests(handle);
      process.env.CRON_SECRET = SECRET;
      resetConfig();
      server = http.createServer(async (req, res) => {
        const response = await POST(new Request(`http://127.0.0.1${req.url}`, { method: 'POST', headers: req.headers as Record<string, string> }), { params: Promise.resolve({}) });
        res.writeHead(response.status, { 'content-type': 'application/json' });
        res.end(await response.text());
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
      await handle.close();
      delete process.env.CRON_SECRET;
      resetConfig();
    });

    it('says exactly what to run instead when CRON_SECRET is not set', async () => {
      const result = await cli([], { PORT: String(port), CRON_SECRET: '' });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('set CRON_SECRET');
      expect(result.stderr).toContain(`curl -X POST -H "Authorization: Bearer <admin API token>" "http://127.0.0.1:${port}/api/cron/backfill?"`);
    }, 240_000);

    it('asks the running server to do the work through its cron route', async () => {
      const result = await cli(['--limit', '5'], { PORT: String(port), CRON_SECRET: SECRET });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('asking it');
      expect(result.stdout).toMatch(/Backfill done: 0 written of 0 selected/);
      const runs = await handle.db.select().from(backfillRuns);
      expect(runs.map((run) => run.trigger)).toEqual(['cron']);
    }, 240_000);

    it('fails clearly with a wrong secret', async () => {
      const result = await cli([], { PORT: String(port), CRON_SECRET: 'wrong-secret-0123456789abcdef' });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/The server answered 401/);
    }, 240_000);
  });
});
