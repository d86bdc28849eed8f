import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { stringify } from 'csv-stringify/sync';
import { eq, inArray } from 'drizzle-orm';
import { ZipFile } from 'yazl';
import type { Db } from '@/db/handle';
import { assets, products, type Asset } from '@/db/schema';
import { downloadName } from '@/lib/assets';
import { neutraliseCell } from '@/lib/catalogue';
import { renditionFile } from '@/lib/renditions';
import type { Storage } from '@/lib/storage';
import { EntryNamer, type EntrySource } from './names';

/**
 * A ZIP of many photos, streamed while it is built: one photo's bytes are read at a time, and only as fast as
 * whoever reads the ZIP takes them, so memory stays flat whatever the count. Photos are stored as they are
 * (no deflate: JPEG, WebP and the rest are compressed already); yazl switches an entry or the archive to Zip64
 * when it passes 4 GiB or 65,535 entries. `alt-text.csv` closes the archive: each photo's file name in the ZIP,
 * its filename in Loupe, alt text and status, and the photos left out with why (in the trash, never uploaded,
 * damaged, or their file missing).
 */

export const ALT_TEXT_CSV = 'alt-text.csv';

/** Photos read from the database at a time. */
const PAGE = 200;

export interface ZipSummary {
  entries: number;
  skipped: number;
}

/** What goes into the ZIP for one photo: its bytes and extension, or why it is left out. */
export type PhotoFile = { ok: true; stream: Readable; extension: string; size: number | null } | { ok: false; reason: string };

/** Opens the file of one photo for the ZIP (its original, or a preset's rendition). */
export type PhotoFileSource = (asset: Asset) => Promise<PhotoFile>;

/** Originals, named with the extension of what the bytes are. */
export function originals(storage: Storage): PhotoFileSource {
  return async (asset) => {
    const stream = await storage.get(asset.originalKey);
    if (!stream) return { ok: false, reason: 'its original file is missing from storage' };
    const extension = downloadName('x', asset.format).slice(2) || 'bin';
    return { ok: true, stream, extension, size: asset.sizeBytes };
  };
}

/** A preset's renditions (lib/renditions: made on first request, kept in storage), one at a time as the ZIP takes them. */
export function renditions(db: Db, storage: Storage, preset: string): PhotoFileSource {
  return async (asset) => {
    const file = await renditionFile(db, asset, preset);
    if (!file.ok) return { ok: false, reason: file.message };
    const stream = await storage.get(file.key);
    if (!stream) return { ok: false, reason: 'its rendition is missing from storage' };
    return { ok: true, stream, extension: file.extension, size: file.bytes };
  };
}

/** Why a photo is not put in a ZIP whatever the preset, or null. */
function leftOut(asset: Asset): string | null {
  if (asset.deletedAt) return 'it is in the trash';
  if (asset.state === 'awaiting_upload' || asset.state === 'failed_upload') return 'its upload never completed';
  if (asset.state === 'failed_derive') return 'its file could not be processed (damaged or unsupported)';
  return null;
}

const CSV_COLUMNS = ['file', 'filename', 'alt_text', 'status', 'note'] as const;

interface Loaded {
  asset: Asset;
  product: EntrySource['product'];
}

async function loadPage(db: Db, ids: readonly string[]): Promise<Map<string, Loaded>> {
  const rows = await db
    .select({ asset: assets, handle: products.handle, sku: products.sku, title: products.title })
    .from(assets)
    .leftJoin(products, eq(products.id, assets.productId))
    .where(inArray(assets.id, [...ids]));
  return new Map(rows.map((row) => [row.asset.id, { asset: row.asset, product: row.title === null ? null : { handle: row.handle, sku: row.sku, title: row.title } }]));
}

/**
 * The ZIP of these photos, in this order, as a stream. `done` settles when the last byte has been handed to the
 * stream (with what went in), or fails when a file could not be read or the reader went away (the stream is
 * then destroyed: a ZIP cut short is never presented as whole).
 */
export function zipPhotos(db: Db, ids: readonly string[], open: PhotoFileSource): { stream: Readable; done: Promise<ZipSummary> } {
  const zip = new ZipFile();
  const stream = zip.outputStream as Readable;
  const done = (async (): Promise<ZipSummary> => {
    const namer = new EntryNamer([ALT_TEXT_CSV]);
    const rows: string[][] = [];
    let entries = 0;
    for (let start = 0; start < ids.length; start += PAGE) {
      const page = ids.slice(start, start + PAGE);
      const loaded = await loadPage(db, page);
      for (const id of page) {
        if (stream.destroyed) throw new Error('the ZIP was cancelled by its reader');
        const found = loaded.get(id);
        if (!found) {
          rows.push(['', '', '', 'skipped', 'no such photo: it may have been purged']);
          continue;
        }
        const { asset, product } = found;
        const reason = leftOut(asset);
        const file = reason ? ({ ok: false, reason } as const) : await open(asset);
        if (!file.ok) {
          rows.push(['', asset.filename, asset.altText ?? '', 'skipped', file.reason]);
          continue;
        }
        const name = namer.name({ filename: asset.filename, extension: file.extension, product, position: asset.productPosition });
        await addEntry(zip, stream, file.stream, name, file.size, asset.createdAt);
        entries += 1;
        rows.push([name, asset.filename, asset.altText ?? '', asset.decorative ? 'decorative' : asset.altStatus, '']);
      }
    }
    const csv = stringify(
      rows.map((row) => row.map(neutraliseCell)),
      { header: true, columns: [...CSV_COLUMNS], record_delimiter: 'windows' },
    );
    zip.addBuffer(Buffer.from(csv, 'utf8'), ALT_TEXT_CSV, { compress: true });
    zip.end();
    await finished(stream);
    return { entries, skipped: rows.length - entries };
  })();
  done.catch((error: unknown) => stream.destroy(error instanceof Error ? error : new Error(String(error))));
  return { stream, done };
}

/** Adds one file and waits until the ZIP has taken all of it, so at most one file is open at a time. */
async function addEntry(zip: ZipFile, output: Readable, input: Readable, name: string, size: number | null, mtime: Date): Promise<void> {
  // A reader that goes away mid-file would leave this file waiting for a pipe that never drains.
  const abandon = () => input.destroy(new Error('the ZIP was cancelled by its reader'));
  output.once('close', abandon);
  try {
    zip.addReadStream(input, name, { compress: false, mtime, ...(size === null ? {} : { size }) });
    await finished(input);
  } finally {
    output.off('close', abandon);
  }
}
