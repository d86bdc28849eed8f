import type { AltSource, AltStatus } from '@/db/schema';
import type { AssetView } from '@/lib/assets';

/** The browser's side of GET /api/search and GET /api/assets/:id/similar (cookie-authenticated). */

export interface SearchFiltersState {
  tag: string;
  status: AltStatus | '';
  source: AltSource | '';
  type: string;
  from: string;
  to: string;
}

export const NO_FILTERS: SearchFiltersState = { tag: '', status: '', source: '', type: '', from: '', to: '' };

export interface SearchHitView {
  asset: AssetView;
  score: number;
  matched: { exact: boolean; vector: { rank: number; similarity: number } | null; text: { rank: number; score: number } | null };
}

export interface SearchPage {
  query: { q: string; terms: string[] };
  model: string | null;
  results: SearchHitView[];
  nextCursor: string | null;
  notices: { code: string; message: string }[];
}

export type SearchResponse = { ok: true; page: SearchPage } | { ok: false; message: string };

export const SEARCH_PAGE_SIZE = 24;

export function searchParams(q: string, filters: SearchFiltersState, cursor?: string | null): URLSearchParams {
  const params = new URLSearchParams({ q });
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
  if (cursor) params.set('cursor', cursor);
  return params;
}

/** One page of results; an answer the API refused (bad query, bad filter) is a message to show, not an exception. */
export async function fetchSearchPage(q: string, filters: SearchFiltersState, cursor: string | null, signal: AbortSignal): Promise<SearchResponse> {
  const params = searchParams(q, filters, cursor);
  params.set('limit', String(SEARCH_PAGE_SIZE));
  const response = await fetch(`/api/search?${params}`, { signal, cache: 'no-store' });
  const body = (await response.json().catch(() => null)) as (SearchPage & { error?: { message: string } }) | null;
  if (!response.ok || !body) return { ok: false, message: body?.error?.message ?? `Search failed (HTTP ${response.status}); try again.` };
  return { ok: true, page: body };
}

export interface SimilarPage {
  results: { asset: AssetView; similarity: number }[];
  notice: { code: string; message: string } | null;
}

export async function fetchSimilar(assetId: string, signal: AbortSignal): Promise<SimilarPage | null> {
  const response = await fetch(`/api/assets/${assetId}/similar?limit=12`, { signal, cache: 'no-store' });
  return response.ok ? ((await response.json()) as SimilarPage) : null;
}
