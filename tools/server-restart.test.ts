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
function startServer(env: Record<string, string>): { child: ChildProcess; latest: () => AssetLine[] | null; firstReportAt: () => number | null } {
  // node itself (tsx as a loader, not its wrapper process), so kill -9 hits the process that holds the database.
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/server-process.ts'], {
    env: { ...process.env, DATABASE_URL: '', S3_BUCKET: '', NEXT_RUNTIME: 'nodejs', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let latest: AssetLine[] | null = null;
  let firstReportAt: number | null = null;
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    // Only the state reports (JSON arrays of rows): the server's own log lines also start with "[loupe]".
    for (const line of lines) {
      if (line.startsWith('[{') || line === '[]') {
        latest = JSON.parse(line) as AssetLine[];
        firstReportAt ??= Date.now();
      }
    }
  });
  return { child, latest: () => latest, firstReportAt: () => firstReportAt };
}

/** As many jobs as the report of a real restart: the killed process holds every one of them. */
const HELD_JOBS = 20;

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

  it(`after a restart, all ${HELD_JOBS} jobs the killed server held complete with no command typed, with one written alt text each`, async () => {
    // Uploads into the embedded database and storage the server will open; their after() never runs.
    const photos = await Promise.all(Array.from({ length: HELD_JOBS }, (_, index) => testJpeg(700 + index, 1200, 900)));
    const ids = await uploadsLeftUnprocessed(dataDir, photos);

    // The default lease (a minute) and sweep interval: the restart is measured as a real server would see it.
    const env = {
      DATA_DIR: dataDir,
      VISION_PROVIDER: 'groq',
      GROQ_API_KEY: fake.apiKey,
      GROQ_BASE_URL: fake.url,
      EMBEDDING_PROVIDER: 'local',
      EMBEDDING_MODEL: 'wordnet-static-256',
      EMBEDDING_MODEL_DIR: STAND_IN_MODEL_DIR,
    };
    // No model call the first server makes ever answers: it is mid-processing on every photo when it is killed.
    fake.script(...ids.map(() => ({ kind: 'held' as const, until: new Promise<void>(() => {}), then: { kind: 'describe' as const } })));
    // Every job at once, and no call timing out while the last photos are still being derived.
    const first = startServer({ ...env, JOBS_CONCURRENCY: String(HELD_JOBS), VISION_CONCURRENCY: String(HELD_JOBS), VISION_TIMEOUT_MS: '600000' });
    children.push(first.child);
    // The server asks for the model list at start too: wait for the held chat calls themselves, not any request.
    const chatCalls = () => fake.requests.filter((request) => request.path.endsWith('/chat/completions'));
    await vi.waitFor(() => expect(chatCalls()).toHaveLength(HELD_JOBS), { timeout: 120_000, interval: 100 });
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');

    const restartedAt = Date.now();
    const second = startServer(env);
    children.push(second.child);
    const completedAt = new Map<string, number>();
    await vi.waitFor(
      () => {
        for (const asset of second.latest() ?? []) if (asset.alt_source === 'ai' && !completedAt.has(asset.id)) completedAt.set(asset.id, Date.now());
        // Describe and the first embed run side by side after derive, so "embedded" alone does not mean the alt text is in.
        expect(second.latest()?.map((asset) => [asset.state, asset.alt_source])).toEqual(ids.map(() => ['embedded', 'ai']));
      },
      { timeout: 180_000, interval: 250 },
    );
    second.child.kill('SIGTERM');
    await once(second.child, 'exit');

    // The figures the restart is judged by; a timing is reported, never asserted (a loaded machine is slower).
    const seconds = [...completedAt.values()].map((at) => (at - restartedAt) / 1000).sort((a, b) => a - b);
    const startUp = ((second.firstReportAt() ?? restartedAt) - restartedAt) / 1000;
    console.log(
      `[restart] ${HELD_JOBS} jobs held by the killed server: first completion ${seconds[0].toFixed(1)} s after the restart, ` +
        `last ${seconds.at(-1)!.toFixed(1)} s (the new process was up after ${startUp.toFixed(1)} s)`,
    );

    const final = second.latest() ?? [];
    expect(final.map((asset) => asset.id).sort()).toEqual([...ids].sort());
    for (const asset of final) expect(asset).toMatchObject({ alt_source: 'ai', written: 1 });
    // The killed calls, then one call per asset.
    expect(chatCalls()).toHaveLength(2 * ids.length);
  }, 420_000);
});
