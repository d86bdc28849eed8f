import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '@/test/run-cli';

const migrateCli = (env: Record<string, string>) => runCli('migrate', [], env);

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
