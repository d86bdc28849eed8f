import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { openPglite, useDbForTests, type DbHandle } from '@/db/client';
import { migrate } from '@/db/migrate';
import type { Asset } from '@/db/schema';
import { config } from '@/lib/config';
import { assetRendition, findPreset, renditionFile, TRIM_FILL, type Preset } from '@/lib/renditions';
import { getStorage, LocalStorage, useStorageForTests, type Storage } from '@/lib/storage';
import { fixturePath } from '@/test/fixtures';
import { storeDerivedAsset } from '@/test/renditions';

/**
 * npm run bench:renditions [-- --preset NAME] [--rounds N] [--hits N], each figure beside a baseline measured in the same run:
 * - First request: Loupe's renditionFile for a photo that has no rendition yet (claim the row, read the
 *   original from local storage, one sharp pipeline under the limiter, store the file, mark it ready) against
 *   bare sharp doing the same resize and encode from the same original on disk, output kept in memory. Rounds
 *   alternate the two on the 24 MP JPEGs of ../shared/fixtures/images/large_jpeg, each round a new photo.
 *   Target: ratio <= 1.2.
 * - Cached hit: what GET /api/assets/{id}/renditions/{preset} does once the file exists (the asset and its
 *   rendition row read, a signed URL made), p50 and p95 over many requests.
 * Each figure is one section below; the ZIP figures of issue 22's downloads join SECTIONS as another.
 */

interface BenchContext {
  db: DbHandle;
  storage: Storage;
  preset: Preset;
  originals: string[];
  rounds: number;
  hits: number;
}

type Section = (context: BenchContext) => Promise<void>;

function option(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] ? process.argv[index + 1] : fallback;
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** The preset's resize and encode written directly with sharp: what any tool making this file must do. */
function bareSharp(file: string, preset: Preset): Promise<Buffer> {
  const transparent = preset.background === 'transparent';
  const background = transparent ? { r: 0, g: 0, b: 0, alpha: 0 } : preset.background;
  const image = sharp(file).autoOrient();
  if (!transparent) image.flatten({ background: preset.background });
  if (preset.trim) image.trim({ background: preset.background, threshold: 12 });
  const frame = preset.trim ? { width: Math.round(preset.width * TRIM_FILL), height: Math.round(preset.height * TRIM_FILL) } : preset;
  image.resize(frame.width, frame.height, { fit: preset.fit, background, withoutEnlargement: preset.fit === 'inside' });
  if (preset.trim) {
    const left = Math.floor((preset.width - frame.width) / 2);
    const top = Math.floor((preset.height - frame.height) / 2);
    image.extend({ left, right: preset.width - frame.width - left, top, bottom: preset.height - frame.height - top, background });
  }
  const encoded = { jpeg: () => image.jpeg({ quality: preset.quality }), png: () => image.png(), webp: () => image.webp({ quality: preset.quality }), avif: () => image.avif({ quality: preset.quality }) };
  return encoded[preset.format]().toBuffer();
}

async function newPhoto(context: BenchContext, round: number): Promise<Asset> {
  const file = context.originals[round % context.originals.length];
  return storeDerivedAsset(context.db.db, context.storage, fs.readFileSync(file), { filename: path.basename(file) });
}

const firstRequest: Section = async (context) => {
  const loupe: number[] = [];
  const baseline: number[] = [];
  // One warm-up each: the page cache, sharp's threads, the database's first queries.
  for (let round = -1; round < context.rounds; round++) {
    const asset = await newPhoto(context, round + 1);
    const file = context.originals[(round + 1) % context.originals.length];
    const ours = await timed(async () => {
      const made = await renditionFile(context.db.db, asset, context.preset.name);
      if (!made.ok) throw new Error(`rendition failed: ${made.code} ${made.message}`);
    });
    const theirs = await timed(() => bareSharp(file, context.preset));
    if (round >= 0) {
      loupe.push(ours);
      baseline.push(theirs);
    }
  }
  const ours = quantile(loupe, 0.5);
  const theirs = quantile(baseline, 0.5);
  console.log(`First request, ${context.preset.name} (${context.preset.width}x${context.preset.height} ${context.preset.format}) from 6000x4000 JPEGs, median of ${context.rounds}:`);
  console.log(`  Loupe renditionFile     ${ours.toFixed(1)} ms`);
  console.log(`  bare sharp              ${theirs.toFixed(1)} ms`);
  console.log(`  ratio                   ${(ours / theirs).toFixed(2)} (target <= 1.2)`);
};

const cachedHit: Section = async (context) => {
  const asset = await newPhoto(context, 0);
  const made = await renditionFile(context.db.db, asset, context.preset.name);
  if (!made.ok) throw new Error(`rendition failed: ${made.code} ${made.message}`);
  const hit = async () => {
    const file = await assetRendition(context.db.db, asset.id, context.preset.name);
    if (!file.ok) throw new Error(`cached hit failed: ${file.code}`);
    await context.storage.signedGetUrl(file.key, { expiresInSeconds: config().downloadUrlTtlSeconds, contentType: file.contentType, immutable: true });
  };
  await hit();
  const times: number[] = [];
  for (let request = 0; request < context.hits; request++) times.push(await timed(hit));
  console.log(`Cached hit (asset and rendition rows read, URL signed; PGlite in memory), ${context.hits} requests:`);
  console.log(`  p50                     ${quantile(times, 0.5).toFixed(2)} ms`);
  console.log(`  p95                     ${quantile(times, 0.95).toFixed(2)} ms`);
};

const SECTIONS: Section[] = [firstRequest, cachedHit];

async function main(): Promise<void> {
  const folder = fixturePath('images', 'large_jpeg');
  if (!fs.existsSync(folder)) throw new Error(`${folder} is absent: this benchmark reads the shared fixtures' 24 MP JPEGs.`);
  const originals = fs.readdirSync(folder).filter((name) => name.endsWith('.jpg')).sort().map((name) => path.join(folder, name));
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-bench-renditions-'));
  const db = await openPglite();
  try {
    await migrate(db);
    useDbForTests(db);
    useStorageForTests(new LocalStorage(root));
    const preset = await findPreset(db.db, option('preset', 'shopify-square'));
    if (!preset) throw new Error(`no preset named ${option('preset', 'shopify-square')}`);
    const context: BenchContext = { db, storage: await getStorage(), preset, originals, rounds: Number(option('rounds', '9')), hits: Number(option('hits', '200')) };
    for (const section of SECTIONS) await section(context);
  } finally {
    await db.close();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
