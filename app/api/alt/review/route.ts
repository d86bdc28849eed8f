import { getDb } from '@/db/client';
import { editorOf, LOCALE_STATUSES, type LocaleStatus } from '@/lib/alt';
import { isSourceLocale, resolveLocale } from '@/lib/locales';
import { route } from '@/lib/auth';
import { ApiError } from '@/lib/errors';
import type { AssetFilter } from '@/lib/filters';
import { checkItems, decide, itemsMatching, localeCounts, localeItemsMatching, localeReviewPage, reviewCounts, reviewPage, type ItemOutcome, type ItemResult } from '@/lib/review';
import { getStorage } from '@/lib/storage';
import { MAX_REVIEW_BODY_BYTES, reviewActionBody, reviewQuery } from './schema';

export const dynamic = 'force-dynamic';

/** The queue, oldest first, a page at a time (`cursor`), with the counts beside each filter choice when asked. */
export const GET = route({ role: 'editor', query: reviewQuery }, async ({ query }) => {
  const { cursor, limit, counts, locale: rawLocale, ...filter } = query;
  const db = await getDb();
  const locale = otherLocale(rawLocale);
  if (locale) {
    const status = localeStatus(filter);
    const [page, tallies] = await Promise.all([localeReviewPage(db, await getStorage(), locale, status, { cursor, limit }), counts === '1' ? localeCounts(db, locale, status) : null]);
    if (!page.ok) throw new ApiError('bad_request', 'This cursor is not one the queue made: start again without it.');
    return Response.json({ locale, items: page.items, nextCursor: page.nextCursor, counts: tallies });
  }
  const [page, tallies] = await Promise.all([reviewPage(db, await getStorage(), filter, { cursor, limit }), counts === '1' ? reviewCounts(db, filter) : null]);
  if (!page.ok) throw new ApiError('bad_request', 'This cursor is not one the queue made: start again without it.');
  return Response.json({ items: page.items, nextCursor: page.nextCursor, counts: tallies });
});

/**
 * A decision on named items (`items: [{id, version}]`) or on everything a filter matches. Every item is
 * answered on its own (done, 409 with the current text and version, 404, 400, 422); a stale version is never
 * overwritten. Approving is a person's word: API tokens may not approve.
 */
export const POST = route({ role: 'editor', body: reviewActionBody, maxBodyBytes: MAX_REVIEW_BODY_BYTES }, async ({ body, caller }) => {
  if (caller.kind === 'token' && (body.action === 'approve' || body.action === 'edit')) {
    throw new ApiError('forbidden', 'Approving alt text is a person\'s decision: sign in to approve or edit in the review queue; API tokens may reject, regenerate or mark decorative.');
  }
  const db = await getDb();
  const reviewer = editorOf(caller);
  const locale = otherLocale(body.locale);
  // Items answered before any write: malformed ones, or (for a filter) ones changed since the reviewer looked.
  const selection = body.filter
    ? locale
      ? await localeItemsMatching(db, locale, localeStatus(body.filter), body.asOf ?? '')
      : await itemsMatching(db, body.filter, body.asOf ?? '')
    : selectionOf(checkItems(body.action, body.items ?? []));
  const { results } = await decide(db, body.action, selection.items, reviewer, locale);
  const all = [...results, ...selection.answered];
  return Response.json({
    action: body.action,
    matched: all.length,
    more: selection.more,
    summary: summarise(all),
    results: all,
    ...(all.length === 0 ? { message: 'No asset matches this filter: nothing was done.' } : {}),
  });
});

/** A configured locale other than the source, or undefined for the source locale's queue (the asset's own text). */
function otherLocale(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const resolved = resolveLocale(raw);
  if (!resolved.ok) throw new ApiError('unknown_locale', resolved.message);
  return isSourceLocale(resolved.locale) ? undefined : resolved.locale;
}

/** A locale's queue narrows by its records' statuses only; the source queue's other filters do not apply to it. */
function localeStatus(filter: AssetFilter): LocaleStatus | undefined {
  const others = Object.keys(filter).filter((key) => key !== 'status' && filter[key as keyof AssetFilter] !== undefined);
  if (others.length) throw new ApiError('validation_failed', `a locale's queue is narrowed by status only; ${others.join(', ')} apply to the source locale's queue`);
  if (filter.status === undefined) return undefined;
  if (!(LOCALE_STATUSES as readonly string[]).includes(filter.status)) {
    throw new ApiError('validation_failed', `status ${filter.status} does not apply to a locale's queue: use one of ${LOCALE_STATUSES.join(', ')}`);
  }
  return filter.status as LocaleStatus;
}

function selectionOf(checked: ReturnType<typeof checkItems>) {
  return { items: checked.valid, answered: checked.invalid, more: false };
}

function summarise(results: ItemResult[]): Record<ItemOutcome, number> {
  const summary: Record<ItemOutcome, number> = { done: 0, conflict: 0, not_found: 0, invalid: 0, not_applicable: 0 };
  for (const result of results) summary[result.outcome] += 1;
  return summary;
}
