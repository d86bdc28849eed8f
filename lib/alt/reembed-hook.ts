import type { Db } from '@/db/handle';
import { reembedAsset } from '@/lib/embed';

/**
 * Alt text and tags are what search embeds, so a person's edit or a regeneration re-embeds the asset at once
 * (cheap when nothing embedded changed). A model that is unreachable now is not the editor's problem: the
 * change stands, and the embedding backfill catches the asset up.
 */
export async function reembedAfterAltChange(db: Db, assetId: string): Promise<void> {
  const outcome = await reembedAsset(db, assetId);
  if (!outcome.ok) console.warn(`[loupe] re-embedding asset ${assetId} after an alt-text or tag change failed: ${outcome.message}`);
}
