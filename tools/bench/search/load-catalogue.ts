import { randomBytes } from 'node:crypto';
import type { Db, DbHandle } from '@/db/client';
import { migrate } from '@/db/migrate';
import { assets } from '@/db/schema';
import { registerModel, storeVectors, type Embedder } from '@/lib/embed';

/** One catalogue item as the benchmark and the evaluation load it. */
export interface CatalogueProduct {
  altText: string;
  tags: string[];
  filename: string;
  sku: string;
  /** The bench's collection and status filters need both; the evaluation leaves them out. */
  collection?: string;
  approved?: boolean;
}

/** Migrates a fresh database and registers the embedder's model as the active one (how to reach it included). */
export async function prepareCatalogueDb(handle: DbHandle, embedder: Embedder, modelDir: string): Promise<void> {
  await migrate(handle);
  const registered = await registerModel(handle.db, embedder.id, embedder.dimensions, { provider: 'local', model: embedder.id, modelDir });
  if (!registered.ok) throw new Error(registered.message);
}

/** Inserts described assets and their vectors for one model, as the pipeline would have left them. */
export async function loadProducts(
  db: Db,
  model: { id: string; dimensions: number },
  products: readonly CatalogueProduct[],
  vectors: readonly Float32Array[],
  inputHashes: readonly string[],
): Promise<void> {
  const inserted = await db
    .insert(assets)
    .values(
      products.map((product) => {
        const random = randomBytes(12).toString('hex');
        return {
          filename: product.filename,
          declaredType: 'image/jpeg',
          declaredSize: 250_000,
          declaredSha256: random.padEnd(64, '0'),
          sha256: random.padEnd(64, '1'),
          format: 'jpeg',
          mimeType: 'image/jpeg',
          originalKey: `o/${random}`,
          derivativePrefix: `d/${random}`,
          width: 1200,
          height: 1600,
          state: 'embedded' as const,
          tags: product.tags,
          sku: product.sku,
          collection: product.collection ?? null,
          altText: product.altText,
          altSource: product.approved ? ('human' as const) : ('ai' as const),
          altStatus: product.approved ? ('approved' as const) : ('proposed' as const),
        };
      }),
    )
    .returning({ id: assets.id, filename: assets.filename });
  const written = await storeVectors(
    db,
    model,
    inserted.map((row, i) => ({ assetId: row.id, version: 1, filename: row.filename, vector: vectors[i], inputHash: inputHashes[i] })),
  );
  if (written !== products.length) throw new Error(`stored ${written} of ${products.length} vectors`);
}
