import { z } from 'zod';
import { filterSchema } from '@/lib/filters';
import { integerFromString } from '@/lib/text-input';
import { getDb } from '@/db/client';
import { route } from '@/lib/auth';
import { ApiError } from '@/lib/errors';
import { assetViewsById, MAX_SIMILAR, similarAssets } from '@/lib/search';

export const dynamic = 'force-dynamic';

const params = z.object({ id: z.uuid('The asset id is not a UUID.') });
/** The filter language narrows the neighbours as it narrows search. */
const query = filterSchema({ limit: integerFromString(1, MAX_SIMILAR).default(12) });

/** "More like this": the asset's nearest neighbours by meaning. */
export const GET = route({ role: 'viewer', params, query }, async ({ params, query }) => {
  const { limit, ...filters } = query;
  const db = await getDb();
  const result = await similarAssets(db, params.id, { limit, filters });
  if (!result.ok) throw new ApiError('not_found', result.message);
  const views = await assetViewsById(db, result.hits.map((hit) => hit.asset.id));
  const results = result.hits.flatMap(({ asset, similarity }) => {
    const view = views.get(asset.id);
    return view ? [{ asset: view, similarity }] : [];
  });
  return Response.json({
    model: result.model,
    results,
    notice: result.notice && { code: result.notice, message: 'This asset has no vector yet: it is still being embedded.' },
  });
});
