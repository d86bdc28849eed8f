import type { AssetView } from '@/lib/assets';

/** The browser's side of GET /api/assets and GET /api/assets/:id (cookie-authenticated). */

/** One page of the library, newest first, as GET /api/assets answers it. */
export interface AssetListPage {
  items: AssetView[];
  nextCursor: string | null;
}

export const PAGE_SIZE = 48;

/** `state`: the library filter in the address (`failed`), or null for every photo. */
export async function fetchAssetPage(cursor: string | null, signal?: AbortSignal, state: string | null = null): Promise<AssetListPage> {
  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (cursor) query.set('cursor', cursor);
  if (state) query.set('state', state);
  const response = await fetch(`/api/assets?${query}`, { signal, cache: 'no-store' });
  if (!response.ok) throw new Error(`Could not load assets (HTTP ${response.status}).`);
  return (await response.json()) as AssetListPage;
}

/** The asset, or null when it no longer exists (deleted meanwhile). */
export async function fetchAsset(id: string, signal?: AbortSignal): Promise<AssetView | null> {
  const response = await fetch(`/api/assets/${id}`, { signal, cache: 'no-store' });
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`Could not load asset (HTTP ${response.status}).`);
  return (await response.json()) as AssetView;
}
