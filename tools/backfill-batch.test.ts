import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite, type DbHandle } from '@/db/client';
import { migrate } from '@/db/migrate';
import { altBatches, assets, jobs } from '@/db/schema';
import { derivativeKey, LocalStorage, newDerivativePrefix, newOriginalKey } from '@/lib/storage';
import { startFakeGroq, type FakeGroq } from '@/test/fake-groq';
import { runCli } from '@/test/run-cli';
import { STAND_IN_MODEL_DIR, standInModelAvailable } from '@/test/stand-in-embedding-model';

/**
 * `npm run backfill -- --batch` in real processes on the embedded database: one process sends the batch and
 * exits, a second one (a restart) polls it and applies every answer. Nothing of the batch lives in a process.
 */
describe.skipIf(!standInModelAvailable())('npm run backfill -- --batch', () => {
  let dataDir: string;
  let fake: FakeGroq;
  const PHOTOS = 20;
  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'loupe-backfill-batch-'));
    fake = await startFakeGroq();
    const storage = new LocalStorage(path.join(dataDir, 'storage'));
    const visionKey = derivativeKey(newDerivativePrefix(), 'vision');
    const webp = await sharp({ create: { width: 600, height: 800, channels: 3, background: { r: 25, g: 35, b: 85 } } }).webp().toBuffer();
    await storage.put(visionKey, webp);
    await withDb(async ({ db }) => {
      await db.insert(assets).values(
        Array.from({ length: PHOTOS }, (_, index) => ({
          filename: `coat-${index}.jpg`,
          declaredType: 'image/jpeg',
          declaredSize: 1000,
          sha256: randomBytes(32).toString('hex'),
          sizeBytes: 1000,
          format: 'jpeg',
          mimeType: 'image/jpeg',
          originalKey: newOriginalKey(),
          derivativePrefix: newDerivativePrefix(),
          width: 600,
          height: 800,
          state: 'derived' as const,
          title: `Navy wool coat ${index}`,
          derivatives: { vision: { key: visionKey, width: 600, height: 800, bytes: webp.length } },
        })),
      );
    });
  }, 120_000);
  afterAll(async () => {
    await fake.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  /** The test reads the folder only between runs: the embedded database is opened by one process at a time. */
  async function withDb<T>(work: (handle: DbHandle) => Promise<T>): Promise<T> {
    const handle = await openPglite(path.join(dataDir, 'pglite'));
    try {
      await migrate(handle);
      return await work(handle);
    } finally {
      await handle.close();
    }
  }

  const cli = (args: string[]) =>
    runCli('backfill', args, {
      DATA_DIR: dataDir,
      VISION_PROVIDER: 'groq',
      GROQ_API_KEY: fake.apiKey,
      GROQ_BASE_URL: fake.url,
      EMBEDDING_PROVIDER: 'local',
      EMBEDDING_MODEL: 'wordnet-static-256',
      EMBEDDING_MODEL_DIR: STAND_IN_MODEL_DIR,
      BACKFILL_BATCH_POLL_SECONDS: '600',
      JOBS_SWEEPER: 'false',
    });

  it('the dry run shows the online and the batch price', async () => {
    const result = await cli(['--dry-run']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Would describe ${PHOTOS} assets`);
    const [, online, batch] = /Cost: about \$(\d+\.\d{4}) online, or \$(\d+\.\d{4}) through Groq's Batch API/.exec(result.stdout) ?? [];
    expect(Number(batch)).toBeCloseTo(Number(online) / 2, 3);
  }, 240_000);

  it('refuses --batch with --online', async () => {
    const result = await cli(['--batch', '--online']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--batch and --online choose opposite modes/);
  }, 240_000);

  it('sends the batch and exits; a new process applies its answers once Groq has them', async () => {
    const sent = await cli(['--batch']);
    expect(sent.stderr).toBe('');
    expect(sent.code).toBe(0);
    expect(sent.stdout).toContain(`Sent ${PHOTOS} describe request(s) to Groq's Batch API in 1 batch(es), at half the online price`);
    expect(fake.batches.all()).toMatchObject([{ lines: PHOTOS }]);
    expect(fake.requests.filter((request) => request.path.endsWith('/chat/completions'))).toHaveLength(0);

    // Groq finishes the batch; the next poll is due (the sweeper's interval, brought forward).
    fake.batches.advance(4_000);
    await withDb(async ({ db }) => {
      expect((await db.select().from(assets)).every((asset) => asset.altText === null)).toBe(true);
      await db.update(jobs).set({ nextAttemptAt: sql`now()` }).where(eq(jobs.kind, 'batch'));
    });

    const applied = await cli([]);
    expect(applied.code).toBe(0);
    await withDb(async ({ db }) => {
      const rows = await db.select().from(assets);
      expect(rows.filter((asset) => asset.altSource === 'ai' && asset.altText?.startsWith('Navy wool coat'))).toHaveLength(PHOTOS);
      expect(await db.select({ status: altBatches.status }).from(altBatches)).toEqual([{ status: 'applied' }]);
    });
    expect(fake.batches.all()).toHaveLength(1);
  }, 480_000);
});
