import type { Db } from '@/db/handle';
import { embedAsset, type EmbedOutcome } from './embed-assets';

/**
 * Call after changing an asset's alt text, tags or filename. Cheap when nothing that is embedded changed: one
 * query compares input hashes and no model runs. Never throws for an unreachable model (a typed result).
 */
export async function reembedAsset(db: Db, assetId: string, signal?: AbortSignal): Promise<EmbedOutcome> {
  return embedAsset(db, assetId, signal);
}
