import { getDb } from '@/db/client';
import { route } from '@/lib/auth';
import { ApiError } from '@/lib/errors';
import { isSourceLocale, resolveLocale } from '@/lib/locales';
import { assetViewsById, searchAssets } from '@/lib/search';
import { NOTICE_MESSAGES, searchQuerySchema } from './schema';

export const dynamic = 'force-dynamic';

/** Ranked assets for a query, with their score and the signals (exact, vector, text) that matched. */
export const GET = route({ role: 'viewer', query: searchQuerySchema }, async ({ query }) => {
  const { q, cursor, limit, locale: rawLocale, ...filters } = query;
  const resolved = rawLocale === undefined ? undefined : resolveLocale(rawLocale);
  if (resolved && !resolved.ok) throw new ApiError('unknown_locale', resolved.message);
  const locale = resolved?.ok && !isSourceLocale(resolved.locale) ? resolved.locale : undefined;
  const db = await getDb();
  const result = await searchAssets(db, { q, cursor, limit, filters, locale });
  if (!result.ok) throw new ApiError(result.kind === 'bad_cursor' ? 'bad_request' : 'validation_failed', result.message);
  const views = await assetViewsById(db, result.hits.map((hit) => hit.asset.id));
  const results = result.hits.flatMap(({ asset, score, matched }) => {
    const view = views.get(asset.id);
    return view ? [{ asset: view, score, matched }] : [];
  });
  return Response.json({
    query: { q, terms: result.terms },
    model: result.model,
    results,
    nextCursor: result.nextCursor,
    notices: result.notices.map((code) => ({ code, message: NOTICE_MESSAGES[code] })),
  });
});
