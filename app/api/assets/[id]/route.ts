import { assetEditBody, patchAsset } from '@/lib/alt';
import { deleteAsset, getAsset } from '@/lib/assets';
import { roleAllows, route } from '@/lib/auth';
import { ApiError } from '@/lib/errors';
import { assetParams } from '../schema';

export const dynamic = 'force-dynamic';

const notFound = () => new ApiError('not_found', 'No such asset: it may have been deleted.');

/** Admins also get the raw error details (a decoder's or provider's own words) behind the messages for people. */
export const GET = route({ role: 'viewer', params: assetParams }, async ({ params, caller }) => {
  const asset = await getAsset(params.id, { withDetail: roleAllows(caller.role, 'admin') });
  if (!asset) throw notFound();
  return Response.json(asset);
});

/** Removes the asset's row and every stored object (original and derivatives). */
export const DELETE = route({ role: 'editor', params: assetParams }, async ({ params }) => {
  if (!(await deleteAsset(params.id))) throw notFound();
  return Response.json({ deleted: params.id });
});

/** A person's edit of alt text, tags or the decorative flag: source `human`; a stale `version` is 409 with the current text. */
export const PATCH = route({ role: 'editor', params: assetParams, body: assetEditBody }, ({ params, body, caller }) => patchAsset(params.id, body, caller));
