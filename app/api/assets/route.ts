import { getDb } from '@/db/client';
import { listAssets } from '@/lib/assets';
import { route } from '@/lib/auth';
import { ApiError } from '@/lib/errors';
import { countMatching } from '@/lib/library';
import { listAssetsQuery } from './schema';

export const dynamic = 'force-dynamic';

/** The library, newest first: `?limit=1..100&cursor=<nextCursor of the previous page>`, filtered by `q`, `tag`, `collection`, `status`, `state=failed` (a step failed for good) or `state=retrying` (Loupe tries again by itself; each item says `nextTryAt`); `total=1` adds how many match. */
export const GET = route({ role: 'viewer', query: listAssetsQuery }, async ({ query }) => {
  const { cursor, limit, total, ...filter } = query;
  const page = await listAssets(await getDb(), { cursor, limit, filter });
  if (!page.ok) throw new ApiError(page.code, page.message);
  return Response.json({ items: page.items, nextCursor: page.nextCursor, ...(total ? { total: await countMatching(await getDb(), filter) } : {}) });
});
