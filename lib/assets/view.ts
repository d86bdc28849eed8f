import type { Asset } from '@/db/schema';
import { config } from '@/lib/config';
import type { Storage } from '@/lib/storage';

export interface DerivativeView {
  url: string;
  width: number;
  height: number;
}

/** The asset as the API and the pages see it: no storage keys, signed URLs instead. */
export interface AssetView {
  id: string;
  filename: string;
  state: Asset['state'];
  error: { code: string; message: string } | null;
  format: string | null;
  mimeType: string | null;
  width: number | null;
  height: number | null;
  sizeBytes: number | null;
  sha256: string | null;
  tags: string[];
  title: string | null;
  sku: string | null;
  collection: string | null;
  decorative: boolean;
  alt: {
    text: string | null;
    source: Asset['altSource'];
    status: Asset['altStatus'];
    author: string | null;
    model: string | null;
    promptVersion: string | null;
    updatedAt: string | null;
    attempts: number;
    lastError: string | null;
    version: number;
  };
  derivatives: { grid: DerivativeView | null; vision: DerivativeView | null };
  /** Signed, expiring, saved under the original filename; null while there is no verified original. */
  downloadUrl: string | null;
  metadata: Record<string, unknown> | null;
  createdAt: string;
}

/** States in which the original is stored and verified. */
const HAS_ORIGINAL: ReadonlySet<Asset['state']> = new Set(['stored', 'derived', 'described', 'embedded', 'failed_derive', 'failed_describe', 'failed_embed']);

export async function toAssetView(asset: Asset, storage: Storage): Promise<AssetView> {
  const ttl = config().downloadUrlTtlSeconds;
  const derivative = async (kind: 'grid' | 'vision'): Promise<DerivativeView | null> => {
    const stored = asset.derivatives?.[kind];
    if (!stored) return null;
    const url = await storage.signedGetUrl(stored.key, { expiresInSeconds: ttl, contentType: 'image/webp' });
    return { url, width: stored.width, height: stored.height };
  };
  const [grid, vision, downloadUrl] = await Promise.all([
    derivative('grid'),
    derivative('vision'),
    HAS_ORIGINAL.has(asset.state)
      ? storage.signedGetUrl(asset.originalKey, { expiresInSeconds: ttl, downloadName: asset.filename, contentType: asset.mimeType ?? 'application/octet-stream' })
      : null,
  ]);
  return {
    id: asset.id,
    filename: asset.filename,
    state: asset.state,
    error: asset.errorCode ? { code: asset.errorCode, message: asset.error ?? asset.errorCode } : null,
    format: asset.format,
    mimeType: asset.mimeType,
    width: asset.width,
    height: asset.height,
    sizeBytes: asset.sizeBytes,
    sha256: asset.sha256,
    tags: asset.tags,
    title: asset.title,
    sku: asset.sku,
    collection: asset.collection,
    decorative: asset.decorative,
    alt: {
      text: asset.altText,
      source: asset.altSource,
      status: asset.altStatus,
      author: asset.altAuthor,
      model: asset.altModel,
      promptVersion: asset.altPromptVersion,
      updatedAt: asset.altUpdatedAt?.toISOString() ?? null,
      attempts: asset.altAttempts,
      lastError: asset.altLastError,
      version: asset.version,
    },
    derivatives: { grid, vision },
    downloadUrl,
    metadata: asset.metadata ?? null,
    createdAt: asset.createdAt.toISOString(),
  };
}
