import { readApiAnswer, type ApiAnswer } from '@/components/alt/alt-api';
import type { ItemOutcome, ItemResult, ReviewAction, ReviewCounts, ReviewItem } from '@/lib/review';
import type { AssetFilter } from '@/lib/filters';

/** The browser's side of /api/alt/review (cookie-authenticated): pages of the queue and decisions. */

export interface DecisionAnswer {
  action: ReviewAction;
  matched: number;
  more: boolean;
  summary: Record<ItemOutcome, number>;
  results: ItemResult[];
  message?: string;
}

/** `locale`: a configured locale other than the source, whose records the decision is on. */
export type DecisionRequest = (
  | { action: ReviewAction; items: Array<{ id: string; version: number; text?: string }> }
  | { action: ReviewAction; filter: AssetFilter; asOf: string }
) & { locale?: string };

export async function sendDecision(request: DecisionRequest): Promise<ApiAnswer<DecisionAnswer>> {
  return readApiAnswer(await fetch('/api/alt/review', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) }));
}

export function queueQuery(filter: AssetFilter, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams(extra);
  for (const [key, value] of Object.entries(filter)) if (typeof value === 'string' && value) params.set(key, value);
  return params.toString();
}

export async function fetchQueuePage(filter: AssetFilter, cursor: string, locale?: string): Promise<ApiAnswer<{ items: ReviewItem[]; nextCursor: string | null; counts: ReviewCounts | null }>> {
  return readApiAnswer(await fetch(`/api/alt/review?${queueQuery(filter, { cursor, ...(locale ? { locale } : {}) })}`, { cache: 'no-store' }));
}
