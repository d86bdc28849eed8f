import { config } from '@/lib/config';
import { getStorage } from '@/lib/storage';
import type { SearchHitAsset } from './result-row';

export type SearchTile = Omit<SearchHitAsset, 'derivatives'> & { thumbnailUrl: string | null };

/**
 * An asset as a result tile: its fields plus a short-lived URL of its grid-sized WebP derivative (null while it
 * has none yet). Storage keys never leave the server.
 */
export async function toSearchTile(asset: SearchHitAsset): Promise<SearchTile> {
  const { derivatives, ...fields } = asset;
  const grid = derivatives?.grid;
  const thumbnailUrl = grid
    ? await (await getStorage()).signedGetUrl(grid.key, { expiresInSeconds: config().downloadUrlTtlSeconds, contentType: 'image/webp' })
    : null;
  return { ...fields, thumbnailUrl };
}
