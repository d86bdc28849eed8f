import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '@/db/client';
import { apiTokens } from '@/db/schema';
import { hashToken } from '@/lib/auth';

const run = promisify(execFile);
const TSX = path.resolve('node_modules/.bin/tsx');

/** Runs the real CLI in a child process on an embedded database in `dataDir`. */
async function tokenCreate(dataDir: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(TSX, ['tools/token-create.ts', ...args], {
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', SESSION_SECRET: '' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('npm run token:create', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'loupe-token-cli-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('prints a new token as its last line and stores only its hash, with the role and expiry asked for', async () => {
    const result = await tokenCreate(dataDir, ['--name', 'nightly import', '--role', 'editor', '--expires-days', '30']);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    const token = lines[lines.length - 1];
    expect(token).toMatch(/^loupe_[A-Za-z0-9_-]{43}$/);

    const handle = await openPglite(path.join(dataDir, 'pglite'));
    try {
      const [row] = await handle.db.select().from(apiTokens).where(eq(apiTokens.tokenHash, hashToken(token)));
      expect(row).toMatchObject({ name: 'nightly import', role: 'editor', createdBy: null, revokedAt: null });
      expect(row.expiresAt!.getTime() - Date.now()).toBeGreaterThan(29 * 24 * 3600 * 1000);
    } finally {
      await handle.close();
    }
  });

  it('refuses an unknown role with exit code 1 and prints no token', async () => {
    const result = await tokenCreate(dataDir, ['--name', 'x', '--role', 'superuser']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/role/);
  });

  it('refuses clearly, exit code 1, while a running server holds the embedded database', async () => {
    // A live process that is not the CLI, named as the lock's holder, stands in for a running server.
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      await writeFile(path.join(dataDir, 'pglite', 'loupe.lock'), String(holder.pid));
      const result = await tokenCreate(dataDir, ['--name', 'blocked', '--role', 'viewer']);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/in use by another Loupe process \(pid \d+\)/);
    } finally {
      holder.kill();
      await rm(path.join(dataDir, 'pglite', 'loupe.lock'), { force: true });
    }
  });
});
