import type { Db } from '@/db/handle';
import { getAsset, isUuid } from '@/lib/assets';
import type { Caller } from '@/lib/auth';
import { ApiError } from '@/lib/errors';
import { editAsset, editorOf, type AssetEdit } from './edit';
import { reembedAfterAltChange } from './reembed-hook';

const notFound = () => new ApiError('not_found', 'No such asset: it may have been deleted.');

/** PATCH /api/assets/:id: a person's edit, answered with the updated asset or a 409 carrying the current text. */
export async function patchAsset(db: Db, assetId: string, edit: AssetEdit, caller: Caller | null): Promise<Response> {
  if (!caller) throw new ApiError('unauthenticated', 'Sign in to edit assets.');
  if (!isUuid(assetId)) throw notFound();
  const result = await editAsset(db, assetId, edit, editorOf(caller));
  if (!result.ok && result.kind === 'not_found') throw notFound();
  if (!result.ok) {
    const current = await getAsset(db, assetId);
    if (!current) throw notFound();
    const text = current.alt.text === null ? 'no alt text' : current.alt.text === '' ? 'decorative (empty alt text)' : `"${current.alt.text}"`;
    throw new ApiError(
      'version_conflict',
      `This asset changed since you loaded it (you sent version ${edit.version}; it is now ${current.alt.version}). Its alt text is now ${text}. Reload, then apply your edit again.`,
      { version: current.alt.version, alt: current.alt, tags: current.tags, decorative: current.decorative, title: current.title, sku: current.sku, collection: current.collection },
    );
  }
  if (result.altChanged || result.tagsChanged || result.catalogueChanged) await reembedAfterAltChange(db, assetId);
  return Response.json(await getAsset(db, assetId));
}
