import { getDb } from '@/db/client';
import { altTextsOf, assetEditBody, editorOf, patchAsset } from '@/lib/alt';
import { getAsset } from '@/lib/assets';
import { roleAllows, route } from '@/lib/auth';
import { ApiError } from '@/lib/errors';
import { moveToTrash, trashEntry } from '@/lib/library';
import { assetParams } from '../schema';

export const dynamic = 'force-dynamic';

/** A trashed asset is not found either, but the answer says where it went and until when it can come back. */
async function notFound(id: string): Promise<ApiError> {
  const trashed = await trashEntry(await getDb(), id);
  if (!trashed) return new ApiError('not_found', 'No such asset: it may have been deleted.');
  return new ApiError('not_found', `This asset is in the trash (deleted ${trashed.deletedAt}${trashed.deletedBy ? ` by ${trashed.deletedBy}` : ''}); restore it from the trash before ${trashed.purgeAt}.`, {
    deletedAt: trashed.deletedAt,
    deletedBy: trashed.deletedBy,
    purgeAt: trashed.purgeAt,
  });
}

/**
 * Admins also get the raw error details (a decoder's or provider's own words) behind the messages for people.
 * `alt` is the source locale's text; `altTexts` has every configured locale's record (LOCALES).
 */
export const GET = route({ role: 'viewer', params: assetParams }, async ({ params, caller }) => {
  const db = await getDb();
  const withDetail = roleAllows(caller.role, 'admin');
  const asset = await getAsset(db, params.id, { withDetail });
  if (!asset) throw await notFound(params.id);
  return Response.json({ ...asset, altTexts: await altTextsOf(db, asset.id, { withDetail }) });
});

/**
 * Moves the asset to the trash: out of the library, search, review and exports at once; its files stay and it
 * can be restored (POST /api/trash/restore) for TRASH_DAYS, after which it is purged. Purging now is only
 * through the trash (DELETE /api/trash, admins).
 */
export const DELETE = route({ role: 'editor', params: assetParams }, async ({ params, caller }) => {
  const [result] = await moveToTrash(await getDb(), [params.id], editorOf(caller).name);
  if (result.outcome !== 'ok') throw await notFound(params.id);
  const trashed = await trashEntry(await getDb(), result.id);
  return Response.json({ deleted: result.id, trashed: true, purgeAt: trashed?.purgeAt ?? null });
});

/** A person's edit of alt text, tags or the decorative flag: source `human`; a stale `version` is 409 with the current text. */
export const PATCH = route({ role: 'editor', params: assetParams, body: assetEditBody }, async ({ params, body, caller }) => {
  const result = await patchAsset(await getDb(), params.id, body, editorOf(caller));
  if (result.ok) return Response.json(result.asset);
  if (result.kind === 'not_found') throw await notFound(params.id);
  throw new ApiError('version_conflict', result.message, result.current);
});
