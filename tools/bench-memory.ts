import { execFile } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import sharp from 'sharp';
import { openPglite, useDbForTests } from '@/db/client';
import { migrate } from '@/db/migrate';
import { assets } from '@/db/schema';
import { config } from '@/lib/config';
import { completeUpload, createUpload, DERIVATIVE_SPECS } from '@/lib/ingest';
import { claimNextJob, runClaimedJob } from '@/lib/jobs';
import { LocalStorage, useStorageForTests } from '@/lib/storage';
import { makeAccount } from '@/test/auth';

/**
 * npm run bench:memory: two big originals completing at once on local storage, and how far the server's memory
 * grows. Each original is a 10,000 x 10,000 PNG of 16-bit RGBA pixels (800 MB: the largest lossless photo within
 * the default 100 MP limit, the size of the attack in issue 17), already uploaded in parts. Loupe's real code
 * path runs for both at once: completion (join the parts, SHA-256 and sniff the whole file) then the derive job
 * (header check, one decode, both WebP derivatives, stored). The baseline, in a process of its own, is plain
 * sharp on the same two files at once: sharp(path) shrunk to 1200 px and encoded to both WebP sizes.
 *
 * Each side runs in a fresh child process that samples its resident set size every 20 ms (and reads the
 * kernel's high-water mark), so one side's heap never flatters or burdens the other. Printed: peak RSS growth
 * over the process's size when the work began, for each, and the ratio.
 */
const SIDE = 10_000;
const TARGET_GROWTH_MB = 300;
const run = promisify(execFile);

interface Measured {
  growthMb: number;
  seconds: number;
}

/** Samples RSS until stopped; the kernel's high-water mark catches a peak between two samples. */
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

async function measure(work: () => Promise<void>): Promise<Measured> {
  const stop = watchMemory();
  const started = performance.now();
  await work();
  return { seconds: (performance.now() - started) / 1000, growthMb: stop() };
}

/** A PNG of 16-bit RGBA pixels, stored without compression (so its size is the pixels'), in one flat colour per file. */
async function makeOriginal(file: string, shade: number): Promise<void> {
  await sharp({ create: { width: SIDE, height: SIDE, channels: 4, background: { r: shade, g: 96, b: 160, alpha: 1 } } })
    .toColourspace('rgb16')
    .png({ compressionLevel: 0, adaptiveFiltering: false })
    .toFile(file);
}

/** Loupe's side: both originals announced and their parts stored, then completion and derive for both at once. */
async function loupeSide(files: string[], root: string): Promise<Measured> {
  const handle = await openPglite();
  await migrate(handle);
  useDbForTests(handle);
  const storage = new LocalStorage(path.join(root, 'storage'));
  useStorageForTests(storage);
  const editor = await makeAccount(handle.db, 'editor');
  const db = handle.db;
  const assetIds: string[] = [];
  for (const file of files) {
    const size = fs.statSync(file).size;
    const created = await createUpload(db, { filename: path.basename(file), contentType: 'image/png', size }, editor.id);
    if (created.kind !== 'created_parted') throw new Error(`expected a parted upload, got ${created.kind}`);
    const [asset] = await db.select().from(assets).where(eq(assets.id, created.assetId));
    const { partSize, partCount } = created.plan;
    for (let partNumber = 1; partNumber <= partCount; partNumber++) {
      const start = (partNumber - 1) * partSize;
      const stored = await storage.putPart(asset.multipartUploadId ?? '', partNumber, fs.createReadStream(file, { start, end: Math.min(start + partSize, size) - 1 }));
      if (!stored) throw new Error(`part ${partNumber} was not stored`);
    }
    assetIds.push(created.assetId);
  }
  try {
    return await measure(async () => {
      await Promise.all(
        assetIds.map(async (assetId) => {
          const completed = await completeUpload(db, assetId, { callerUserId: editor.id });
          if (completed.kind !== 'stored') throw new Error(`completion: ${JSON.stringify(completed)}`);
          const claim = await claimNextJob(db, { assetId, kinds: ['derive'] });
          if (!claim) throw new Error('no derive job after completion');
          const outcome = await runClaimedJob(db, claim);
          if (outcome.kind !== 'done') throw new Error(`derive: ${outcome.kind} ${'code' in outcome ? outcome.code : ''}`);
        }),
      );
    });
  } finally {
    await handle.close();
  }
}

/** The baseline: plain sharp reading each file by path, shrunk to the largest derivative, both WebP sizes encoded. */
async function baselineSide(files: string[]): Promise<Measured> {
  const [largest, ...smaller] = DERIVATIVE_SPECS;
  return measure(async () => {
    await Promise.all(
      files.map(async (file) => {
        const vision = await sharp(file, { limitInputPixels: config().upload.maxInputPixels })
          .resize(largest.longEdge, largest.longEdge, { fit: 'inside' })
          .webp({ quality: largest.quality })
          .toBuffer();
        for (const spec of smaller) await sharp(vision).resize(spec.longEdge, spec.longEdge, { fit: 'inside' }).webp({ quality: spec.quality }).toBuffer();
      }),
    );
  });
}

/** Runs one side in a fresh process; it prints its figures as the last line of its output. */
async function inChild(side: 'loupe' | 'baseline', root: string, files: string[]): Promise<Measured> {
  const { stdout } = await run(path.resolve('node_modules/.bin/tsx'), ['tools/bench-memory.ts', side, root, ...files], { maxBuffer: 1024 * 1024 });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Measured;
}

async function main(): Promise<void> {
  const [side, root, ...files] = process.argv.slice(2);
  if (side === 'loupe' || side === 'baseline') {
    const measured = side === 'loupe' ? await loupeSide(files, root) : await baselineSide(files);
    console.log(JSON.stringify(measured));
    return;
  }
  const folder = await fsp.mkdtemp(path.join(os.tmpdir(), 'loupe-bench-memory-'));
  try {
    const originals = [path.join(folder, 'first.png'), path.join(folder, 'second.png')];
    console.log(`Generating two ${SIDE} x ${SIDE} 16-bit RGBA PNGs in ${folder} …`);
    await Promise.all(originals.map((file, index) => makeOriginal(file, 40 + index * 80)));
    const megabytes = fs.statSync(originals[0]).size / 1_000_000;
    const baseline = await inChild('baseline', folder, originals);
    const loupe = await inChild('loupe', folder, originals);
    console.log(`\nTwo ${megabytes.toFixed(0)} MB originals (${(SIDE * SIDE) / 1e6} MP, 16-bit RGBA PNG) at once, local storage (${os.cpus().length} cores)`);
    console.log(`  baseline: plain sharp(path), both WebP sizes        peak RSS growth ${baseline.growthMb.toFixed(0)} MB   ${baseline.seconds.toFixed(1)} s`);
    console.log(`  Loupe: completion (join, SHA-256, sniff) + derive   peak RSS growth ${loupe.growthMb.toFixed(0)} MB   ${loupe.seconds.toFixed(1)} s`);
    console.log(`  ratio (Loupe growth / baseline growth): ${(loupe.growthMb / baseline.growthMb).toFixed(2)}`);
    console.log(`  target: Loupe's growth under ${TARGET_GROWTH_MB} MB: ${loupe.growthMb < TARGET_GROWTH_MB ? 'met' : 'NOT met'}`);
  } finally {
    await fsp.rm(folder, { recursive: true, force: true });
  }
}

await main();
