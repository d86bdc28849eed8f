import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

/** Runs `npm run db:migrate` (tsx lib/cli/migrate.ts) in a child process with the given environment. */
async function migrateCli(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(path.resolve('node_modules/.bin/tsx'), ['lib/cli/migrate.ts'], { env: { ...process.env, DATABASE_URL: '', S3_BUCKET: '', ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('npm run db:migrate', () => {
  it('migrates a fresh embedded database and says where', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'loupe-migrate-'));
    try {
      const result = await migrateCli({ DATA_DIR: dataDir });
      expect(result).toMatchObject({ code: 0 });
      expect(result.stdout).toContain(`Migrations applied to the embedded database in ${path.join(dataDir, 'pglite')}`);
    } finally {
      await fs.rm(dataDir, { recursive: true, force: true });
    }
  });

  it('exits 1 with the reason, and without the password, when PostgreSQL cannot be reached', async () => {
    const result = await migrateCli({ DATABASE_URL: 'postgres://loupe:hunter2@127.0.0.1:1/loupe' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Could not migrate PostgreSQL at postgres://loupe:***@127.0.0.1:1/loupe: connect ECONNREFUSED');
    expect(result.stderr).not.toContain('hunter2');
  });

  it('exits 1 naming the variable when the configuration is invalid', async () => {
    const result = await migrateCli({ DATABASE_URL: 'mysql://localhost/loupe' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('DATABASE_URL');
  });
});
