import type { Db } from '@/db/handle';
import { getAsset, isUuid, type AssetView } from '@/lib/assets';
import type { Result } from '@/lib/result';
import { type Editor } from './authorship';
import { editAsset, type AssetEdit } from './edit';

export type PatchAssetResult = Result<
  { asset: AssetView },
  | { kind: 'not_found' }
  /** Someone changed the asset since `edit.version`: what it holds now, for the person to redo their edit on. */
  | { kind: 'version_conflict'; message: string; current: Pick<AssetView, 'alt' | 'tags' | 'decorative' | 'title' | 'sku' | 'collection'> & { version: number } }
>;

/** PATCH /api/assets/:id: an edit, answered with the updated asset or the current text when it is stale. */
export async function patchAsset(db: Db, assetId: string, edit: AssetEdit, editor: Editor): Promise<PatchAssetResult> {
  if (!isUuid(assetId)) return { ok: false, kind: 'not_found' };
  const result = await editAsset(db, assetId, edit, editor);
  if (!result.ok && result.kind === 'not_found') return result;
  if (!result.ok) {
    const current = await getAsset(db, assetId);
    if (!current) return { ok: false, kind: 'not_found' };
    const text = current.alt.text === null ? 'no alt text' : current.alt.text === '' ? 'decorative (empty alt text)' : `"${current.alt.text}"`;
    return {
      ok: false,
      kind: 'version_conflict',
      message: `This asset changed since you loaded it (you sent version ${edit.version}; it is now ${current.alt.version}). Its alt text is now ${text}. Reload, then apply your edit again.`,
      current: { version: current.alt.version, alt: current.alt, tags: current.tags, decorative: current.decorative, title: current.title, sku: current.sku, collection: current.collection },
    };
  }
  const asset = await getAsset(db, assetId);
  return asset ? { ok: true, asset } : { ok: false, kind: 'not_found' };
}
