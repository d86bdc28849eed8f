import { getDb } from '@/db/client';
import { editorOf } from '@/lib/alt';
import { route } from '@/lib/auth';
import { ApiError } from '@/lib/errors';
import type { AssetFilter } from '@/lib/filters';
import { checkItems, decide, itemsMatching, localeCounts, localeItemsMatching, localeQueueStatus, localeReviewPage, queueLocale, reviewCounts, reviewPage, summarise } from '@/lib/review';
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

function otherLocale(raw: string | undefined): string | undefined {
  const read = queueLocale(raw);
  if (!read.ok) throw new ApiError(read.code, read.message);
  return read.locale;
}

function localeStatus(filter: AssetFilter) {
  const read = localeQueueStatus(filter);
  if (!read.ok) throw new ApiError(read.code, read.message);
  return read.status;
}

function selectionOf(checked: ReturnType<typeof checkItems>) {
  return { items: checked.valid, answered: checked.invalid, more: false };
}
