import type { Asset } from '@/db/schema';
import { config } from '@/lib/config';
import type { Storage } from '@/lib/storage';
import { conditionOf, isAltRetrying, nextTryAt, type Condition } from './condition';
import { altFailureOf, failureMessage } from './messages';
import { NO_LINKS, type AssetLinks, type ProductView, type RemoteView } from './links';

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
  /**
   * The step's error for people (`message`, from lib/assets/messages.ts); `detail`, the decoder's or provider's
   * own words, only for admins (absent otherwise).
   */
  error: { code: string; message: string; detail?: string } | null;
  /** `failed`: a step failed for good (a person retries or deletes); `retrying`: Loupe tries again by itself at `nextTryAt`. See condition.ts. */
  condition: Condition | null;
  /** condition === 'failed'. */
  failed: boolean;
  /** When Loupe next tries the step that failed, by itself (ISO 8601); null unless retrying. */
  nextTryAt: string | null;
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
  /** The product the photo shows (a connected store's), and its place among the product's photos (0 = main image). */
  product: ProductView | null;
  productPosition: number | null;
  /** Each connected store image this photo is, with whether the store holds Loupe's approved text. */
  remotes: RemoteView[];
  alt: {
    text: string | null;
    source: Asset['altSource'];
    status: Asset['altStatus'];
    author: string | null;
    model: string | null;
    promptVersion: string | null;
    updatedAt: string | null;
    attempts: number;
    /** Why the last attempt at alt text failed, for people; null when it did not. */
    lastError: string | null;
    lastErrorCode: string | null;
    /** The provider's own words about that failure, for admins only (absent otherwise). */
    lastErrorDetail?: string;
    /** When Loupe tries to write it again by itself (ISO 8601); null unless its generation is retrying. */
    nextTryAt: string | null;
    version: number;
  };
  derivatives: { grid: DerivativeView | null; vision: DerivativeView | null };
  /** For a video with a poster: its original to play (signed, expiring) and its length; null for photos. */
  video: { url: string; durationSeconds: number } | null;
  /** Signed, expiring, saved under the original filename; null while there is no verified original. */
  downloadUrl: string | null;
  metadata: Record<string, unknown> | null;
  createdAt: string;
}

/** States in which the original is stored and verified. */
const HAS_ORIGINAL: ReadonlySet<Asset['state']> = new Set(['stored', 'derived', 'described', 'embedded', 'failed_derive', 'failed_describe', 'failed_embed']);

export interface ViewOptions {
  /** Include the raw error details (admins). */
  withDetail?: boolean;
  /** When the asset's waiting step is due again (jobRetryTimes in condition.ts); needed to say when a retry comes. */
  jobRetryAt?: Date | null;
  /** Its product and store links (assetLinks in links.ts); none when absent. */
  links?: AssetLinks;
}

export async function toAssetView(asset: Asset, storage: Storage, options: ViewOptions = {}): Promise<AssetView> {
  const ttl = config().downloadUrlTtlSeconds;
  const derivative = async (kind: 'grid' | 'vision'): Promise<DerivativeView | null> => {
    const stored = asset.derivatives?.[kind];
    if (!stored) return null;
    const url = await storage.signedGetUrl(stored.key, { expiresInSeconds: ttl, contentType: 'image/webp' });
    return { url, width: stored.width, height: stored.height };
  };
  const durationSeconds = Number(asset.metadata?.durationSeconds);
  const playable = Boolean(asset.mimeType?.startsWith('video/') && asset.derivatives?.grid && durationSeconds > 0);
  const [grid, vision, downloadUrl, playUrl] = await Promise.all([
    derivative('grid'),
    derivative('vision'),
    HAS_ORIGINAL.has(asset.state)
      ? storage.signedGetUrl(asset.originalKey, { expiresInSeconds: ttl, downloadName: downloadName(asset.filename, asset.format), contentType: asset.mimeType ?? 'application/octet-stream' })
      : null,
    // Played inline (no download name); the file route answers the player's Range requests.
    playable ? storage.signedGetUrl(asset.originalKey, { expiresInSeconds: ttl, contentType: asset.mimeType ?? 'video/mp4' }) : null,
  ]);
  const altFailure = altFailureOf(asset.altLastError);
  return {
    id: asset.id,
    filename: asset.filename,
    state: asset.state,
    error: asset.errorCode
      ? { code: asset.errorCode, message: failureMessage(asset.errorCode), ...(options.withDetail && asset.error ? { detail: asset.error } : {}) }
      : null,
    condition: conditionOf(asset),
    failed: conditionOf(asset) === 'failed',
    nextTryAt: nextTryAt(asset, options.jobRetryAt ?? null)?.toISOString() ?? null,
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
    product: (options.links ?? NO_LINKS).product,
    productPosition: asset.productPosition,
    remotes: (options.links ?? NO_LINKS).remotes,
    alt: {
      text: asset.altText,
      source: asset.altSource,
      status: asset.altStatus,
      author: asset.altAuthor,
      model: asset.altModel,
      promptVersion: asset.altPromptVersion,
      updatedAt: asset.altUpdatedAt?.toISOString() ?? null,
      attempts: asset.altAttempts,
      lastError: altFailure ? failureMessage(altFailure.code) : null,
      lastErrorCode: altFailure?.code ?? null,
      ...(options.withDetail && altFailure ? { lastErrorDetail: altFailure.detail } : {}),
      nextTryAt: isAltRetrying(asset) ? (asset.altNextAttemptAt?.toISOString() ?? null) : null,
      version: asset.version,
    },
    derivatives: { grid, vision },
    video: playUrl ? { url: playUrl, durationSeconds } : null,
    downloadUrl,
    metadata: asset.metadata ?? null,
    createdAt: asset.createdAt.toISOString(),
  };
}

/** Extensions that already name each sniffed format; the first is the one added when the name has none of them. */
const EXTENSIONS: Record<string, string[]> = {
  jpeg: ['jpg', 'jpeg', 'jpe'],
  tiff: ['tif', 'tiff'],
  heif: ['heic', 'heif'],
  heic: ['heic', 'heif'],
};

/**
 * The name a download is saved under ends with the extension of what the bytes are, not what the uploader
 * called them: `x.html` holding a JPEG downloads as `x.jpg`, so no browser or desktop opens it as a page or a
 * program. A name already ending in a right extension is kept as it is.
 */
export function downloadName(filename: string, format: string | null): string {
  if (!format) return filename;
  const extensions = EXTENSIONS[format] ?? [format];
  const match = /^(.+)\.([A-Za-z0-9]{1,5})$/.exec(filename);
  if (match && extensions.includes(match[2].toLowerCase())) return filename;
  return `${match ? match[1] : filename}.${extensions[0]}`;
}
