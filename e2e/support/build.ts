import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { NEXT_BIN, REPO_ROOT } from './paths';

/**
 * `next build` once per test run, so the browser tests drive the same production build people deploy.
 * LOUPE_E2E_REUSE_BUILD=1 reuses an existing .next while iterating on the tests themselves (never in CI).
 */
export async function buildApp(): Promise<void> {
  if (process.env.LOUPE_E2E_REUSE_BUILD === '1' && process.env.CI !== 'true' && existsSync(path.join(REPO_ROOT, '.next', 'BUILD_ID'))) return;
  // The build loads the config module; give it a throwaway data folder so it never touches the developer's.
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'loupe-e2e-build-'));
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(NEXT_BIN, ['build'], {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', DATA_DIR: dataDir },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let log = '';
      child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`next build failed (exit ${code}):\n${log.slice(-8000)}`))));
    });
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}
