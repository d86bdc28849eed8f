import { getDb } from '@/db/client';
import { altHistoryOf, configuredVisionProvider } from '@/lib/alt';
import { getAsset } from '@/lib/assets';
import { route } from '@/lib/auth';
import { ApiError } from '@/lib/errors';
import { assetParams } from '../../schema';

export const dynamic = 'force-dynamic';

/** The asset's alt text with its provenance and history, and which vision provider (if any) would write it. */
export const GET = route({ role: 'viewer', params: assetParams }, async ({ params }) => {
  const db = await getDb();
  const asset = await getAsset(db, params.id);
  if (!asset) throw new ApiError('not_found', 'No such asset: it may have been deleted.');
  const provider = configuredVisionProvider();
  return Response.json({
    alt: asset.alt,
    decorative: asset.decorative,
    history: await altHistoryOf(db, asset.id),
    provider: provider ? { configured: true, name: provider.name, model: provider.model } : { configured: false, name: null, model: null },
  });
});
