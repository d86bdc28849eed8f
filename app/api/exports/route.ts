import { getDb } from '@/db/client';
import { route } from '@/lib/auth';
import { exportContentType, exportFilename, exportStream } from '@/lib/catalogue';
import { exportQuery } from './schema';

export const dynamic = 'force-dynamic';

/** The alt text and catalogue data of the photos the library's filter matches, streamed as read (CSV, JSON Lines, or Shopify's product CSV). */
export const GET = route({ role: 'viewer', query: exportQuery }, async ({ query }) => {
  const { format, ...filter } = query;
  const body = exportStream(await getDb(), format, filter);
  return new Response(body, {
    headers: {
      'content-type': exportContentType(query.format),
      'content-disposition': `attachment; filename="${exportFilename(format, filter)}"`,
      'cache-control': 'no-store',
    },
  });
});
