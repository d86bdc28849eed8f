import type { AssetView } from '@/lib/assets';
import type { AssetFilter } from '@/lib/filters';
import type { BulkSummary } from '@/lib/library';
import { readApiAnswer, type ApiAnswer } from '@/components/alt';

/** The browser's side of GET /api/assets, GET /api/assets/:id and POST /api/assets/bulk (cookie-authenticated). */

/** One page of the library, newest first, as GET /api/assets answers it. */
export interface AssetListPage {
  items: AssetView[];
  nextCursor: string | null;
  /** How many assets match the filter, when asked for. */
  total?: number;
  /** The total is estimated from a sample (a large library): shown as "about". */
  totalEstimated?: boolean;
}

export const PAGE_SIZE = 48;

/** The filter as query parameters, leaving out what is unset (the same names the library page's form uses). */
export function filterParams(filter: AssetFilter): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) if (typeof value === 'string' && value !== '') params.set(key, value);
  return params;
}

export async function fetchAssetPage(cursor: string | null, signal?: AbortSignal, filter: AssetFilter = {}, withTotal = false): Promise<AssetListPage> {
  const query = filterParams(filter);
  query.set('limit', String(PAGE_SIZE));
  if (cursor) query.set('cursor', cursor);
  if (withTotal) query.set('total', '1');
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

export type BulkRequest =
  | { action: 'add_tags' | 'remove_tags'; tags: string[] }
  | { action: 'set_collection'; collection: string | null }
  | { action: 'regenerate' | 'decorative' | 'delete' };

export type BulkTarget = { ids: string[] } | { filter: AssetFilter };

export async function runBulk(request: BulkRequest, selection: BulkTarget): Promise<ApiAnswer<BulkSummary>> {
  return readApiAnswer(await fetch('/api/assets/bulk', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...request, selection }) }));
}

export async function restoreFromTrash(ids: string[]): Promise<ApiAnswer<{ restored: number; results: BulkSummary['results'] }>> {
  return readApiAnswer(await fetch('/api/trash/restore', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ids }) }));
}
