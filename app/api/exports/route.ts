import { getDb } from '@/db/client';
import { route } from '@/lib/auth';
import { exportContentType, exportFilename, exportStream } from '@/lib/catalogue';
import { exportQuery } from './schema';

export const dynamic = 'force-dynamic';

/** Every photo's alt text and catalogue data, streamed as it is read (CSV, JSON Lines, or Shopify's product CSV). */
export const GET = route({ role: 'viewer', query: exportQuery }, async ({ query }) => {
  const body = exportStream(await getDb(), query.format, query.status);
  return new Response(body, {
    headers: {
      'content-type': exportContentType(query.format),
      'content-disposition': `attachment; filename="${exportFilename(query.format, query.status)}"`,
      'cache-control': 'no-store',
    },
  });
});
