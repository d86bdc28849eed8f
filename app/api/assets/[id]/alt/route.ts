import { getDb } from '@/db/client';
import { altHistoryOf, configuredVisionProvider, isDescribing } from '@/lib/alt';
import { getAsset, presentHistory } from '@/lib/assets';
import { roleAllows, route } from '@/lib/auth';
import { ApiError } from '@/lib/errors';
import { assetParams } from '../../schema';

export const dynamic = 'force-dynamic';

/**
 * The asset's alt text with its provenance and history, and which vision provider (if any) would write it. The
 * history is in words for people, repeated failed attempts folded into one entry; admins also get each
 * failure's raw detail (the provider's own message). `describing` is true while its alt text is being written
 * (a Regenerate's job queued or running): the asset page polls until it is false.
 */
export const GET = route({ role: 'viewer', params: assetParams }, async ({ params, caller }) => {
  const withDetail = roleAllows(caller.role, 'admin');
  const db = await getDb();
  const asset = await getAsset(db, params.id, { withDetail });
  if (!asset) throw new ApiError('not_found', 'No such asset: it may have been deleted.');
  const provider = configuredVisionProvider();
  return Response.json({
    alt: asset.alt,
    decorative: asset.decorative,
    describing: await isDescribing(db, asset.id),
    history: presentHistory(await altHistoryOf(db, asset.id), { withDetail }),
    provider: provider ? { configured: true, name: provider.name, model: provider.model } : { configured: false, name: null, model: null },
  });
});
