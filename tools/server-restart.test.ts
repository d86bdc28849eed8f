import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { useStorageForTests } from '@/lib/storage';
import { startFakeGroq, type FakeGroq } from '@/test/fake-groq';
import { testJpeg, uploadsLeftUnprocessed } from '@/test/ingest';
import { STAND_IN_MODEL_DIR, standInModelAvailable } from '@/test/stand-in-embedding-model';

vi.mock('next/server', async (original) => ({ ...(await original<object>()), after: (await import('@/lib/ingest/after-capture')).captureAfter }));

interface AssetLine {
  id: string;
  state: string;
  alt_source: string | null;
  written: number;
}

/** Starts test/server-process.ts (the server's start-up hook, sweeper included) and collects its state reports. */
function startServer(env: Record<string, string>): { child: ChildProcess; latest: () => AssetLine[] | null } {
  // node itself (tsx as a loader, not its wrapper process), so kill -9 hits the process that holds the database.
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/server-process.ts'], {
    env: { ...process.env, DATABASE_URL: '', S3_BUCKET: '', NEXT_RUNTIME: 'nodejs', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let latest: AssetLine[] | null = null;
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    // Only the state reports (JSON arrays of rows): the server's own log lines also start with "[loupe]".
    for (const line of lines) if (line.startsWith('[{') || line === '[]') latest = JSON.parse(line) as AssetLine[];
  });
  return { child, latest: () => latest };
}

describe.skipIf(!standInModelAvailable())('a server killed with kill -9 mid-processing', () => {
  let dataDir: string;
  let fake: FakeGroq;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'loupe-kill-'));
    fake = await startFakeGroq();
  });
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    useStorageForTests(undefined);
    await fake.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('after a restart, every asset completes with no command typed, with one written alt text each', async () => {
    // Two uploads into the embedded database and storage the server will open; their after() never runs.
    const ids = await uploadsLeftUnprocessed(dataDir, [await testJpeg(700, 1200, 900), await testJpeg(701, 1200, 900)]);

    const env = {
      DATA_DIR: dataDir,
      VISION_PROVIDER: 'groq',
      GROQ_API_KEY: fake.apiKey,
      GROQ_BASE_URL: fake.url,
      EMBEDDING_PROVIDER: 'local',
      EMBEDDING_MODEL: 'wordnet-static-256',
      EMBEDDING_MODEL_DIR: STAND_IN_MODEL_DIR,
      JOBS_LEASE_SECONDS: '2',
      JOBS_SWEEP_INTERVAL_MS: '200',
    };
    // The first model call never answers: the server is mid-processing when it is killed.
    fake.script({ kind: 'held', until: new Promise<void>(() => {}), then: { kind: 'describe' } });
    const first = startServer(env);
    children.push(first.child);
    // The server asks for the model list at start too: wait for the held chat call itself, not any request.
    const chatCalls = () => fake.requests.filter((request) => request.path.endsWith('/chat/completions'));
    await vi.waitFor(() => expect(chatCalls()).toHaveLength(1), { timeout: 60_000, interval: 100 });
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');

    const second = startServer(env);
    children.push(second.child);
    await vi.waitFor(
      () => {
        // Describe and the first embed run side by side after derive, so "embedded" alone does not mean the alt text is in.
        const states = second.latest();
        expect(states?.map((asset) => [asset.state, asset.alt_source])).toEqual([
          ['embedded', 'ai'],
          ['embedded', 'ai'],
        ]);
      },
      { timeout: 120_000, interval: 250 },
    );
    second.child.kill('SIGTERM');
    await once(second.child, 'exit');

    const final = second.latest() ?? [];
    expect(final.map((asset) => asset.id).sort()).toEqual([...ids].sort());
    for (const asset of final) expect(asset).toMatchObject({ alt_source: 'ai', written: 1 });
    // The killed call, then one call per asset.
    expect(chatCalls()).toHaveLength(ids.length + 1);
  }, 240_000);
});
