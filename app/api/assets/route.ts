import { getDb } from '@/db/client';
import { countAssets, listAssets } from '@/lib/assets';
import { route } from '@/lib/auth';
import { ApiError } from '@/lib/errors';
import { listAssetsQuery } from './schema';

export const dynamic = 'force-dynamic';

/** The library, newest first: `?limit=1..100&cursor=<nextCursor of the previous page>`, filtered by `q`, `tag`, `collection`, `status`, `state=failed` (a step failed for good) or `state=retrying` (Loupe tries again by itself; each item says `nextTryAt`); `total=1` adds how many match (`total`, with `totalEstimated: true` when it is estimated from a sample past 20,000 matching photos). */
export const GET = route({ role: 'viewer', query: listAssetsQuery }, async ({ query }) => {
  const { cursor, limit, total, ...filter } = query;
  const db = await getDb();
  const page = await listAssets(db, { cursor, limit, filter });
  if (!page.ok) throw new ApiError(page.code, page.message);
  return Response.json({ items: page.items, nextCursor: page.nextCursor, ...(total ? await countAssets(db, filter) : {}) });
});
