import yauzl from 'yauzl';
import { GET as getFileRoute } from '@/app/api/files/[...key]/route';
import type { Db } from '@/db/client';
import { assets, products, type AssetState } from '@/db/schema';
import { newDerivativePrefix, newOriginalKey, type Storage } from '@/lib/storage';
import { testJpeg } from '@/test/ingest';

/** Test support for ZIP downloads and shares: photos with real originals in storage, and ZIPs read back. */

export interface StoredPhoto {
  filename: string;
  seed: number;
  altText?: string | null;
  tags?: string[];
  collection?: string | null;
  state?: AssetState;
  trashed?: boolean;
  product?: { id: string; position: number };
  /** Also store a grid derivative (for share pages). */
  grid?: boolean;
}

/** An uploaded, processed photo row whose original (a small JPEG) is really in storage. */
export async function storePhoto(db: Db, storage: Storage, photo: StoredPhoto): Promise<string> {
  const bytes = await testJpeg(photo.seed, 48, 32);
  const originalKey = newOriginalKey();
  const derivativePrefix = newDerivativePrefix();
  await storage.put(originalKey, bytes, { contentType: 'image/jpeg' });
  let derivatives: Record<string, { key: string; width: number; height: number; bytes: number }> | null = null;
  if (photo.grid) {
    const key = `${derivativePrefix}/grid.webp`;
    await storage.put(key, bytes, { contentType: 'image/webp' });
    derivatives = { grid: { key, width: 48, height: 32, bytes: bytes.length } };
  }
  const [row] = await db
    .insert(assets)
    .values({
      filename: photo.filename,
      declaredType: 'image/jpeg',
      declaredSize: bytes.length,
      sha256: `${photo.seed}`.padStart(64, '0'),
      sizeBytes: bytes.length,
      format: 'jpeg',
      mimeType: 'image/jpeg',
      originalKey,
      derivativePrefix,
      derivatives,
      width: 48,
      height: 32,
      state: photo.state ?? 'embedded',
      tags: photo.tags ?? [],
      collection: photo.collection ?? null,
      altText: photo.altText ?? null,
      altSource: photo.altText ? 'human' : null,
      altStatus: photo.altText ? 'approved' : 'none',
      deletedAt: photo.trashed ? new Date() : null,
      productId: photo.product?.id ?? null,
      productPosition: photo.product?.position ?? null,
    })
    .returning({ id: assets.id });
  return row.id;
}

export async function makeProduct(db: Db, product: { title: string; handle?: string | null; sku?: string | null }): Promise<string> {
  const [row] = await db.insert(products).values({ title: product.title, handle: product.handle ?? null, sku: product.sku ?? null }).returning({ id: products.id });
  return row.id;
}

export interface ZipEntry {
  name: string;
  /** 0: stored, 8: deflated. */
  compressionMethod: number;
  data: Buffer;
}

/** Every entry of a ZIP, read with yauzl (an independent reader): proves the archive opens. */
export function readZip(zip: Buffer): Promise<ZipEntry[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, file) => {
      if (error || !file) return reject(error ?? new Error('no zip'));
      const entries: ZipEntry[] = [];
      file.on('error', reject);
      file.on('end', () => resolve(entries));
      file.on('entry', (entry: yauzl.Entry) => {
        file.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => chunks.push(chunk));
          stream.on('error', reject);
          stream.on('end', () => {
            entries.push({ name: entry.fileName, compressionMethod: entry.compressionMethod, data: Buffer.concat(chunks) });
            file.readEntry();
          });
        });
      });
      file.readEntry();
    });
  });
}

/** GETs a local signed URL through the files route, as a browser would. */
export function getSignedUrl(url: string): Promise<Response> {
  const parsed = new URL(url, 'http://loupe.test');
  const key = decodeURIComponent(parsed.pathname.replace(/^\/api\/files\//, '')).split('/');
  return getFileRoute(new Request(parsed), { params: Promise.resolve({ key }) });
}
