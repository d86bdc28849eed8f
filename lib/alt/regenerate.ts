import type { Db } from '@/db/handle';
import type { Asset } from '@/db/schema';
import { configuredDescribeDeps } from './configured';
import { describeAsset } from './describe-asset';
import type { AltFailure } from './types';
import { findAsset } from './write';
import type { Result } from '@/lib/result';

export type RegenerateResult = Result<
  { asset: Asset },
  | { kind: 'not_found' }
  /** A person wrote the text (before, or while the model was working): the model never replaces it. */
  | { kind: 'human_text' }
  | { kind: 'decorative' }
  | { kind: 'failed'; failure: AltFailure }
>;

/** A new AI alt text, asked for by a person: replaces AI text only, never a person's. */
export async function regenerateAlt(db: Db, assetId: string): Promise<RegenerateResult> {
  const deps = await configuredDescribeDeps(db);
  const asset = await findAsset(deps.db, assetId);
  // A photo in the trash is out of the library: no model call is spent on it until it is restored.
  if (!asset || asset.deletedAt) return { ok: false, kind: 'not_found' };
  if (asset.altSource === 'human') return { ok: false, kind: 'human_text' };
  if (asset.decorative) return { ok: false, kind: 'decorative' };
  const outcome = await describeAsset(asset, deps, { replaceAi: true });
  switch (outcome.kind) {
    case 'written':
      return { ok: true, asset: outcome.asset };
    case 'failed':
      return { ok: false, kind: 'failed', failure: outcome.failure };
    case 'decorative':
      return { ok: false, kind: 'decorative' };
    case 'skipped':
    case 'kept_human':
      return { ok: false, kind: 'human_text' };
    case 'claim_lost':
      return { ok: false, kind: 'not_found' };
  }
}
