import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import heicDecode from 'heic-decode';
import sharp from 'sharp';
import { config } from '@/lib/config';
import { DERIVATIVE_SPECS, makeDerivatives, videoTools, type VideoTools, extractKeyframes, runTool, withVideoWorkspace } from '@/lib/ingest';
import { fixturePath } from '@/test/fixtures';
import { makeTestVideo } from '@/test/videos';

/**
 * npm run bench:media, each figure a ratio against a baseline measured in the same run:
 * - HEIC: Loupe's derive (header check, libheif in a worker thread under the sharp limiter, both WebP
 *   derivatives, facts) against the decoder alone in this thread (heic-decode, the same libheif build) followed by
 *   the same two WebP encodes. Target: ratio <= 1.2.
 * - Keyframes of a generated 60-second 1080p video: Loupe's frames step work (the packet index, then five
 *   frames taken by seeking within the decode budget) against one plain ffmpeg command decoding the whole video
 *   once, on the same file on disk: the least a scene-change extraction costs (the packaged ffmpeg carries no
 *   `select` filter to run one; the full decode is a stricter baseline). Target: ratio <= 1.2.
 * Rounds alternate Loupe and baseline so a noisy neighbour hurts both alike; medians are reported.
 */
const HEIC_ROUNDS = 15;
const VIDEO_ROUNDS = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

async function alternate(rounds: number, loupe: () => Promise<unknown>, baseline: () => Promise<unknown>): Promise<{ loupe: number; baseline: number }> {
  // One warm-up each: compiles libheif's WebAssembly and starts the worker, fills the page cache.
  await loupe();
  await baseline();
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let round = 0; round < rounds; round++) {
    ours.push(await timed(loupe));
    theirs.push(await timed(baseline));
  }
  return { loupe: median(ours), baseline: median(theirs) };
}

async function heicBench(): Promise<void> {
  const input = fs.readFileSync(fixturePath('images', 'formats', 'heic_lossy.heic'));
  const loupe = async () => {
    const result = await makeDerivatives(input, { maxInputPixels: config().upload.maxInputPixels, sniffedFormat: 'heic' });
    if (!result.ok) throw new Error(`derive failed: ${result.code} ${result.message}`);
  };
  const baseline = async () => {
    const decoded = await heicDecode({ buffer: input });
    const raw = { raw: { width: decoded.width, height: decoded.height, channels: 4 as const } };
    const pixels = Buffer.from(decoded.data.buffer, decoded.data.byteOffset, decoded.data.byteLength);
    await Promise.all(
      DERIVATIVE_SPECS.map((spec) => sharp(pixels, raw).resize(spec.longEdge, spec.longEdge, { fit: 'inside', withoutEnlargement: true }).webp({ quality: spec.quality }).toBuffer()),
    );
  };
  const result = await alternate(HEIC_ROUNDS, loupe, baseline);
  console.log(`HEIC (formats/heic_lossy.heic, 1200x800), median of ${HEIC_ROUNDS}:`);
  console.log(`  Loupe derive            ${result.loupe.toFixed(1)} ms/image`);
  console.log(`  decoder alone + WebP    ${result.baseline.toFixed(1)} ms/image`);
  console.log(`  ratio                   ${(result.loupe / result.baseline).toFixed(2)} (target <= 1.2)`);
}

async function keyframeBench(tools: VideoTools): Promise<void> {
  console.log('Generating a 60 s 1080p test video (a new colour every second)…');
  const bytes = makeTestVideo(tools, { seconds: 60, width: 1920, height: 1080 });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-bench-media-'));
  try {
    const file = path.join(dir, 'video.mp4');
    fs.writeFileSync(file, bytes);
    const loupe = async () => {
      const result = await withVideoWorkspace((workDir) => extractKeyframes(tools, file, 60, workDir));
      if (!result.ok) throw new Error(`keyframes failed: ${result.code} ${result.message}`);
    };
    const baseline = async () => {
      const run = await runTool(tools.ffmpeg, ['-v', 'error', '-i', file, '-an', '-c:v', 'rawvideo', '-f', 'null', '-'], Date.now() + 600_000);
      if (!run.ok) throw new Error(`plain ffmpeg failed: ${run.stderr}`);
    };
    const result = await alternate(VIDEO_ROUNDS, loupe, baseline);
    console.log(`Keyframes (60 s, 1920x1080, ${(bytes.length / 1e6).toFixed(1)} MB H.264), median of ${VIDEO_ROUNDS}:`);
    console.log(`  Loupe frames step work  ${(result.loupe / 1000).toFixed(2)} s`);
    console.log(`  one plain ffmpeg        ${(result.baseline / 1000).toFixed(2)} s`);
    console.log(`  ratio                   ${(result.loupe / result.baseline).toFixed(2)} (target <= 1.2)`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  await heicBench();
  const tools = await videoTools();
  if (!tools) {
    console.log('Keyframes: skipped, ffmpeg/ffprobe are not available (install dependencies or set FFMPEG_PATH/FFPROBE_PATH).');
    return;
  }
  await keyframeBench(tools);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
