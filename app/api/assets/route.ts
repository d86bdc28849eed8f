import { listAssets } from '@/lib/assets';
import { route } from '@/lib/auth';
import { ApiError } from '@/lib/errors';
import { listAssetsQuery } from './schema';

export const dynamic = 'force-dynamic';

/** The library, newest first: `?limit=1..100&cursor=<nextCursor of the previous page>[&state=failed]`. */
export const GET = route({ role: 'viewer', query: listAssetsQuery }, async ({ query }) => {
  const page = await listAssets(query);
  if (!page.ok) throw new ApiError(page.code, page.message);
  return Response.json({ items: page.items, nextCursor: page.nextCursor });
});
