import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { E2E_GROQ_API_KEY } from './fake-groq';
import { NEXT_BIN, REPO_ROOT, STAND_IN_EMBEDDING_MODEL_DIR } from './paths';

export interface RunningApp {
  url: string;
  dataDir: string;
  /** Everything the server printed, for failure messages. */
  output: () => string;
  stop: () => Promise<void>;
}

const READY_TIMEOUT_MS = 120_000;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * The environment a test server gets: only what the OS needs plus Loupe's test settings, so a developer's
 * DATABASE_URL or S3 bucket never leaks into a browser test. Embedded PGlite and local storage in a fresh
 * data folder; the fake Groq API when one is running; the offline stand-in embedding model.
 */
export function testServerEnv(port: number, dataDir: string, fakeGroqUrl: string | null): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: os.tmpdir(),
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    PORT: String(port),
    DATA_DIR: dataDir,
    EMBEDDING_MODEL: 'wordnet-static-256',
    EMBEDDING_MODEL_DIR: STAND_IN_EMBEDDING_MODEL_DIR,
    ...(fakeGroqUrl ? { GROQ_API_KEY: E2E_GROQ_API_KEY, GROQ_BASE_URL: fakeGroqUrl } : { VISION_PROVIDER: 'none' }),
  };
}

async function waitUntilHealthy(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`The app at ${url} was not healthy within ${READY_TIMEOUT_MS / 1000}s:\n${output()}`);
}

export interface AppOptions {
  fakeGroqUrl: string | null;
  /** Settings over the test defaults, given on purpose: DATABASE_URL and S3_* to run on PostgreSQL and S3. */
  env?: Record<string, string>;
}

/** Starts the built app (`next start`) on a free port with its own fresh data folder; resolves once /api/health is ok. */
export async function startApp({ fakeGroqUrl, env = {} }: AppOptions): Promise<RunningApp> {
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'loupe-e2e-data-'));
  const child = spawn(NEXT_BIN, ['start', '--port', String(port), '--hostname', '127.0.0.1'], {
    cwd: REPO_ROOT,
    env: { ...testServerEnv(port, dataDir, fakeGroqUrl), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so stop() ends next and any worker it started.
    detached: true,
  });
  let log = '';
  const append = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const output = () => log;
  const url = `http://127.0.0.1:${port}`;

  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid, 'SIGTERM');
      const forced = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(forced);
    }
    await rm(dataDir, { recursive: true, force: true });
  };

  try {
    await waitUntilHealthy(url, child, output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, dataDir, output, stop };
}
