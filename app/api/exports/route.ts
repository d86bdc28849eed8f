import { getDb } from '@/db/client';
import { route } from '@/lib/auth';
import { ApiError } from '@/lib/errors';
import { isSourceLocale, resolveLocale } from '@/lib/locales';
import { exportContentType, exportFilename, exportStream } from '@/lib/catalogue';
import { exportQuery } from './schema';

export const dynamic = 'force-dynamic';

/** The alt text and catalogue data of the photos the library's filter matches, streamed as read (CSV, JSON Lines, Shopify's product CSV, or Shopify's translations CSV for one locale). */
export const GET = route({ role: 'viewer', query: exportQuery }, async ({ query }) => {
  const { format, locale: asked, ...filter } = query;
  const resolved = asked === undefined ? undefined : resolveLocale(asked);
  if (resolved && !resolved.ok) throw new ApiError('unknown_locale', resolved.message);
  const locale = resolved?.ok && !isSourceLocale(resolved.locale) ? resolved.locale : undefined;
  if (locale && format === 'shopify') {
    throw new ApiError('validation_failed', `Shopify's product CSV carries the shop's default language only: export ${locale} as csv or jsonl`);
  }
  if (format === 'shopify-translations' && !locale) {
    throw new ApiError('validation_failed', "Shopify's translations CSV is one language's: add locale=<a configured locale other than the source>");
  }
  const body = exportStream(await getDb(), format, filter, undefined, locale);
  return new Response(body, {
    headers: {
      'content-type': exportContentType(format),
      'content-disposition': `attachment; filename="${exportFilename(format, filter, undefined, locale)}"`,
      'cache-control': 'no-store',
    },
  });
});
