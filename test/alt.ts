import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { Db } from '@/db/client';
import { assets, type Asset } from '@/db/schema';
import { resetConfig } from '@/lib/config';
import { newDerivativePrefix, newOriginalKey, type Storage } from '@/lib/storage';
import { startFakeGroq, type FakeGroq } from '@/test/fake-groq';
import { clearProviderBlock } from '@/lib/alt';
import { enqueueJob, JOB_PRIORITY } from '@/lib/jobs';

/** Test support for the alt-text integration tests: the fake Groq API wired in through configuration. */

/** Starts the fake for this file and points the real configuration (VISION_PROVIDER=groq, GROQ_BASE_URL) at it. */
export function useFakeGroq(db: () => Db, env: Record<string, string> = {}): () => FakeGroq {
  let fake: FakeGroq | undefined;
  const keys = ['VISION_PROVIDER', 'GROQ_API_KEY', 'GROQ_BASE_URL', 'VISION_TIMEOUT_MS', ...PER_TEST_KEYS, ...Object.keys(env)];
  const saved = Object.fromEntries(keys.map((key) => [key, process.env[key]]));
  beforeAll(async () => {
    fake = await startFakeGroq();
    configureGroq(fake, env);
  });
  beforeEach(async () => {
    fake?.reset();
    configureGroq(fake!, env);
    await clearProviderBlock(db(), 'groq');
  });
  afterAll(async () => {
    await fake?.close();
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    resetConfig();
  });
  return () => {
    if (!fake) throw new Error('the fake Groq API is ready only inside tests and hooks');
    return fake;
  };
}

/** Settings a test may change for itself (a retired model, reasoning left on); each test starts from the defaults. */
const PER_TEST_KEYS = ['VISION_MODEL', 'VISION_REASONING', 'VISION_MAX_TOKENS'];

function configureGroq(fake: FakeGroq, env: Record<string, string>): void {
  for (const key of PER_TEST_KEYS) delete process.env[key];
  Object.assign(process.env, {
    VISION_PROVIDER: 'groq',
    GROQ_API_KEY: fake.apiKey,
    GROQ_BASE_URL: fake.url,
    VISION_TIMEOUT_MS: '2000',
    ...env,
  });
  resetConfig();
}

export function productJpeg(width = 900, height = 1200, colour = { r: 25, g: 35, b: 85 }): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: colour } }).jpeg({ quality: 80 }).toBuffer();
}

/** An asset whose original is stored and verified (`stored`), as the upload flow leaves it: the pipeline takes it from here. */
export async function storedAsset(
  db: Db,
  storage: Storage,
  bytes: Buffer,
  fields: Partial<Pick<Asset, 'filename' | 'tags' | 'title' | 'sku' | 'collection' | 'decorative'>> = {},
): Promise<Asset> {
  const random = randomBytes(8).toString('hex');
  const originalKey = newOriginalKey();
  await storage.put(originalKey, bytes, { contentType: 'image/jpeg' });
  const { width, height } = await sharp(bytes).metadata();
  const [row] = await db
    .insert(assets)
    .values({
      filename: fields.filename ?? 'photo.jpg',
      declaredType: 'image/jpeg',
      declaredSize: bytes.length,
      declaredSha256: random.padEnd(64, '0'),
      sha256: randomBytes(32).toString('hex'),
      sizeBytes: bytes.length,
      format: 'jpeg',
      mimeType: 'image/jpeg',
      originalKey,
      derivativePrefix: newDerivativePrefix(),
      width: width ?? null,
      height: height ?? null,
      state: 'stored',
      tags: fields.tags ?? [],
      title: fields.title ?? null,
      sku: fields.sku ?? null,
      collection: fields.collection ?? null,
      decorative: fields.decorative ?? false,
    })
    .returning();
  // As a completed upload does: the asset's first job, due now.
  await enqueueJob(db, { assetId: row.id, kind: 'derive', priority: JOB_PRIORITY.interactive });
  return row;
}
