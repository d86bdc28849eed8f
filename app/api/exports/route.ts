import { getDb } from '@/db/client';
import { route } from '@/lib/auth';
import { ApiError } from '@/lib/errors';
import { isSourceLocale, resolveLocale } from '@/lib/locales';
import { exportContentType, exportFilename, exportStream } from '@/lib/catalogue';
import { exportQuery } from './schema';

export const dynamic = 'force-dynamic';

/** Every photo's alt text and catalogue data, streamed as it is read (CSV, JSON Lines, or Shopify's product CSV). */
export const GET = route({ role: 'viewer', query: exportQuery }, async ({ query }) => {
  const resolved = query.locale === undefined ? undefined : resolveLocale(query.locale);
  if (resolved && !resolved.ok) throw new ApiError('unknown_locale', resolved.message);
  const locale = resolved?.ok && !isSourceLocale(resolved.locale) ? resolved.locale : undefined;
  if (locale && query.format === 'shopify') {
    throw new ApiError('validation_failed', `Shopify's product CSV carries the shop's default language only: export ${locale} as csv or jsonl`);
  }
  const body = exportStream(await getDb(), query.format, query.status, undefined, locale);
  return new Response(body, {
    headers: {
      'content-type': exportContentType(query.format),
      'content-disposition': `attachment; filename="${exportFilename(query.format, query.status, undefined, locale)}"`,
      'cache-control': 'no-store',
    },
  });
});
