import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { config } from '@/lib/config';
import { DERIVATIVE_SPECS, makeDerivatives } from '@/lib/ingest';
import { fixturePath } from '@/test/fixtures';

/**
 * npm run bench:ingest: Loupe's real derive code (makeDerivatives: header check, one strict decode, both WebP
 * derivatives, metadata and EXIF facts, through the process-wide sharp limiter) against a minimal baseline
 * doing the same sharp operations directly, on the same 24 MP JPEGs in the same run. Inputs are read into
 * memory first and outputs kept in memory: no storage I/O on either side, so the ratio is Loupe's overhead.
 */
const ROUNDS = 5;

async function loadImages(): Promise<{ source: string; images: Buffer[] }> {
  const folder = fixturePath('images', 'large_jpeg');
  const files = fs.existsSync(folder) ? fs.readdirSync(folder).filter((name) => name.endsWith('.jpg')).sort() : [];
  if (files.length) return { source: folder, images: files.map((name) => fs.readFileSync(path.join(folder, name))) };
  console.log(`${folder} is absent: generating six 6000x4000 JPEGs (q80, with grain).`);
  const images = await Promise.all(
    Array.from({ length: 6 }, (_, index) =>
      sharp({ create: { width: 6000, height: 4000, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 90 + index * 20, sigma: 40 } } }).jpeg({ quality: 80 }).toBuffer(),
    ),
  );
  return { source: `generated in memory (${os.tmpdir()} untouched)`, images };
}

async function loupe(input: Buffer): Promise<void> {
  const result = await makeDerivatives(input, { maxInputPixels: config().upload.maxInputPixels, sniffedFormat: 'jpeg' });
  if (!result.ok) throw new Error(`derive failed: ${result.code} ${result.message}`);
}

/** The same sharp work, written directly: one decode to raw at the largest size, one WebP encode per derivative. */
async function baseline(input: Buffer): Promise<void> {
  const largest = Math.max(...DERIVATIVE_SPECS.map((spec) => spec.longEdge));
  const { data, info } = await sharp(input, { failOn: 'warning', limitInputPixels: config().upload.maxInputPixels, pages: 1 })
    .autoOrient()
    .resize(largest, largest, { fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  await Promise.all(
    DERIVATIVE_SPECS.map((spec) =>
      sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
        .resize(spec.longEdge, spec.longEdge, { fit: 'inside', withoutEnlargement: true })
        .webp({ quality: spec.quality })
        .toBuffer(),
    ),
  );
}

interface Timing {
  wallMs: number;
  /** CPU time of this process (all libvips threads), which other load on the machine disturbs far less than wall time. */
  cpuMs: number;
}

async function timed(work: () => Promise<void>): Promise<Timing> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  await work();
  const used = process.cpuUsage(cpu);
  return { wallMs: performance.now() - start, cpuMs: (used.user + used.system) / 1000 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** images/s for all `images`, `inFlight` at a time. */
async function throughput(images: Buffer[], inFlight: number): Promise<number> {
  const queue = [...images];
  const start = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await loupe(next);
    }),
  );
  return images.length / ((performance.now() - start) / 1000);
}

async function main(): Promise<void> {
  const loadAtStart = os.loadavg()[0];
  const { source, images } = await loadImages();
  console.log(`bench:ingest: ${images.length} images from ${source}; sharp ${sharp.versions.sharp} (libvips ${sharp.versions.vips}), libvips threads per image ${sharp.concurrency()}, SHARP_CONCURRENCY ${config().sharpConcurrency}, ${os.cpus().length} CPUs`);
  // Warm up both paths (code loading, libvips initialisation).
  await loupe(images[0]);
  await baseline(images[0]);

  const loupeRuns: Timing[] = [];
  const baselineRuns: Timing[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const image of images) {
      // Alternate which goes first, so neither always runs on a warmer cache.
      if (round % 2 === 0) {
        loupeRuns.push(await timed(() => loupe(image)));
        baselineRuns.push(await timed(() => baseline(image)));
      } else {
        baselineRuns.push(await timed(() => baseline(image)));
        loupeRuns.push(await timed(() => loupe(image)));
      }
    }
  }
  const loupeMs = median(loupeRuns.map((run) => run.wallMs));
  const baselineMs = median(baselineRuns.map((run) => run.wallMs));
  const loupeCpu = median(loupeRuns.map((run) => run.cpuMs));
  const baselineCpu = median(baselineRuns.map((run) => run.cpuMs));
  const ratio = loupeMs / baselineMs;
  const batch = [...images, ...images];
  const one = await throughput(batch, 1);
  const two = await throughput(batch, 2);

  console.log(`median ms/image   loupe ${loupeMs.toFixed(1)}   baseline ${baselineMs.toFixed(1)}   (${loupeRuns.length} runs each)`);
  console.log(`ratio loupe/baseline ${ratio.toFixed(3)}   (goal <= 1.15: ${ratio <= 1.15 ? 'met' : 'NOT met'});   CPU ms/image loupe ${loupeCpu.toFixed(1)} baseline ${baselineCpu.toFixed(1)}, ratio ${(loupeCpu / baselineCpu).toFixed(3)}`);
  console.log(`load average (1 min) at start ${loadAtStart.toFixed(2)}, at end ${os.loadavg()[0].toFixed(2)}: other work on this machine slows both sides and caps the two-in-flight gain`);
  console.log(`throughput        1 in flight ${one.toFixed(2)} images/s   2 in flight ${two.toFixed(2)} images/s   speed-up ${(two / one).toFixed(2)}x   (goal >= 1.6x: ${two / one >= 1.6 ? 'met' : 'NOT met'})`);
}

await main();
