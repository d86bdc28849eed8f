import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { openPglite, useDbForTests } from '@/db/client';
import { migrate } from '@/db/migrate';
import { assets } from '@/db/schema';
import { originals, zipPhotos } from '@/lib/downloads';
import { LocalStorage, newDerivativePrefix, newOriginalKey, useStorageForTests, type Storage } from '@/lib/storage';

/**
 * npm run bench:downloads [-- --photos 500 --mb 1]: a ZIP of many photos' originals on local storage, through
 * the real code (zipPhotos: database pages, one open file at a time, yazl), read as fast as a client takes it.
 * The baseline, in the same run, reads the same originals one after another straight from storage. Printed for
 * the first 100 photos and for all of them: MB/s of each, the ratio, and the process's peak RSS growth while the
 * ZIP was built (target: flat, under 100 MB whatever the count).
 */
const TARGET_GROWTH_MB = 100;

const { values } = parseArgs({ options: { photos: { type: 'string', default: '500' }, mb: { type: 'string', default: '1' } } });
const photos = Math.max(100, Number(values.photos));
const megabytes = Number(values.mb);

/** A JPEG of about `mb` megabytes: noise does not compress, so its size follows its pixel count. */
async function photoOfSize(mb: number): Promise<Buffer> {
  const side = Math.max(64, Math.round(Math.sqrt((mb * 1_000_000) / 1.2)));
  const noise = randomBytes(side * side * 3);
  return sharp(noise, { raw: { width: side, height: side, channels: 3 } }).jpeg({ quality: 92 }).toBuffer();
}

/** Samples RSS every 20 ms; the kernel's high-water mark catches a peak between two samples. */
function watchMemory(): () => number {
  const start = process.memoryUsage.rss();
  const highWaterBefore = process.resourceUsage().maxRSS * 1024;
  let peak = start;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  return () => {
    clearInterval(timer);
    const highWater = process.resourceUsage().maxRSS * 1024;
    if (highWater > highWaterBefore) peak = Math.max(peak, highWater);
    return (peak - start) / 1_000_000;
  };
}

/** Bytes read from a stream and thrown away, as a client on a fast network would take them. */
async function drain(stream: Readable): Promise<number> {
  let bytes = 0;
  await pipeline(
    stream,
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        done();
      },
    }),
  );
  return bytes;
}

async function main(): Promise<void> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'loupe-bench-downloads-'));
  const storage: Storage = new LocalStorage(root);
  useStorageForTests(storage);
  const handle = await openPglite();
  await migrate(handle);
  useDbForTests(handle);
  const db = handle.db;
  try {
    const bytes = await photoOfSize(megabytes);
    console.log(`${photos} originals of ${(bytes.length / 1_000_000).toFixed(2)} MB each on local storage (PGlite)`);
    const ids: string[] = [];
    const keys: string[] = [];
    for (let index = 0; index < photos; index++) {
      const originalKey = newOriginalKey();
      await storage.put(originalKey, bytes, { contentType: 'image/jpeg' });
      const [row] = await db
        .insert(assets)
        .values({
          filename: `photo-${index}.jpg`,
          declaredType: 'image/jpeg',
          declaredSize: bytes.length,
          sha256: randomBytes(32).toString('hex'),
          sizeBytes: bytes.length,
          format: 'jpeg',
          mimeType: 'image/jpeg',
          originalKey,
          derivativePrefix: newDerivativePrefix(),
          state: 'embedded',
          altText: `Photo number ${index}.`,
        })
        .returning({ id: assets.id });
      ids.push(row.id);
      keys.push(originalKey);
    }
    const files = originals(storage);
    // A first small ZIP warms the code and the database's plans, so the first measured one is not the cold start.
    await drain(zipPhotos(db, ids.slice(0, 10), files).stream);
    for (const count of [100, photos]) {
      const started = performance.now();
      let read = 0;
      for (const key of keys.slice(0, count)) {
        const stream = await storage.get(key);
        if (stream) read += await drain(stream);
      }
      const baselineMbs = read / 1_000_000 / ((performance.now() - started) / 1000);

      global.gc?.();
      const stop = watchMemory();
      const zipStarted = performance.now();
      const { stream, done } = zipPhotos(db, ids.slice(0, count), files);
      const [zipped, summary] = await Promise.all([drain(stream), done]);
      const seconds = (performance.now() - zipStarted) / 1000;
      const growth = stop();
      const zipMbs = zipped / 1_000_000 / seconds;
      console.log(
        `${count} photos: ZIP ${(zipped / 1_000_000).toFixed(0)} MB (${summary.entries} files) at ${zipMbs.toFixed(0)} MB/s; plain reads ${baselineMbs.toFixed(0)} MB/s; ratio ${(zipMbs / baselineMbs).toFixed(2)}; peak RSS growth ${growth.toFixed(0)} MB (target < ${TARGET_GROWTH_MB} MB)`,
      );
    }
  } finally {
    await handle.close();
    useStorageForTests(undefined);
    await fs.rm(root, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
