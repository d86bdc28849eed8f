import { randomBytes } from 'node:crypto';
import type { Db } from '@/db/client';
import { assets, type AltSource, type AltStatus, type AssetState } from '@/db/schema';

export interface CatalogueAsset {
  filename: string;
  altText?: string | null;
  tags?: string[];
  sku?: string | null;
  format?: string;
  altSource?: AltSource | null;
  altStatus?: AltStatus;
  state?: AssetState;
  createdAt?: Date;
}

/** Inserts an uploaded asset row as the ingest pipeline would leave it (no file bytes: search needs none). */
export async function insertCatalogueAsset(db: Db, input: CatalogueAsset): Promise<string> {
  const random = randomBytes(8).toString('hex');
  const format = input.format ?? 'jpeg';
  const [row] = await db
    .insert(assets)
    .values({
      filename: input.filename,
      declaredType: `image/${format}`,
      declaredSize: 1000,
      declaredSha256: random.padEnd(64, '0'),
      sha256: randomBytes(32).toString('hex'),
      format,
      mimeType: `image/${format}`,
      originalKey: `o/${random}`,
      derivativePrefix: `d/${random}`,
      width: 800,
      height: 600,
      state: input.state ?? 'described',
      tags: input.tags ?? [],
      sku: input.sku ?? null,
      altText: input.altText ?? null,
      altSource: input.altSource ?? (input.altText ? 'ai' : null),
      altStatus: input.altStatus ?? (input.altText ? 'proposed' : 'none'),
      createdAt: input.createdAt ?? new Date(),
    })
    .returning({ id: assets.id });
  return row.id;
}
