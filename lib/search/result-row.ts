import type { AltSource, AltStatus } from '@/db/schema';

/** The asset columns search returns with each hit (the tile needs no second query). */
export const RESULT_COLUMNS = `a.id, a.filename, a.alt_text, a.alt_source, a.alt_status, a.tags, a.sku, a.format, a.mime_type,
  a.width, a.height, a.derivatives, a.created_at`;

export interface ResultRow {
  id: string;
  filename: string;
  alt_text: string | null;
  alt_source: AltSource | null;
  alt_status: AltStatus;
  tags: string[];
  sku: string | null;
  format: string | null;
  mime_type: string | null;
  width: number | null;
  height: number | null;
  derivatives: Record<string, { key: string; width: number; height: number; bytes: number }> | null;
  created_at: Date | string;
}

export interface SearchHitAsset {
  id: string;
  filename: string;
  altText: string | null;
  altSource: AltSource | null;
  altStatus: AltStatus;
  tags: string[];
  sku: string | null;
  format: string | null;
  mimeType: string | null;
  width: number | null;
  height: number | null;
  derivatives: ResultRow['derivatives'];
  createdAt: string;
}

export function toHitAsset(row: ResultRow): SearchHitAsset {
  return {
    id: row.id,
    filename: row.filename,
    altText: row.alt_text,
    altSource: row.alt_source,
    altStatus: row.alt_status,
    tags: row.tags,
    sku: row.sku,
    format: row.format,
    mimeType: row.mime_type,
    width: row.width,
    height: row.height,
    derivatives: row.derivatives,
    createdAt: new Date(row.created_at).toISOString(),
  };
}
