import { and, eq } from 'drizzle-orm';
import type { Db } from '@/db/handle';
import { assets, type Asset } from '@/db/schema';
import { config } from '@/lib/config';
import { leaseHeld } from '@/lib/jobs';
import type { Step } from '@/lib/jobs';
import { derivativeKey, getStorage, type Storage } from '@/lib/storage';
import { DERIVATIVE_KINDS, makeDerivatives, type DerivativeKind, type EncodedDerivative } from './derivatives';
import { isVideo } from './media-kind';
import { deriveVideoStep } from './video-steps';

/**
 * The derive step: original → WebP derivatives in the same storage, plus dimensions and metadata on the row.
 * A file that cannot be processed fails for good with its reason and keeps its original for download.
 */
export const deriveStep: Step = async (input) => {
  if (isVideo(input.asset)) return deriveVideoStep(input);
  const { db, asset, lease } = input;
  const storage = await getStorage();
  const { upload, vision } = config();
  // sharp reads the original from a file in pieces (S3: a temporary copy): never the whole file in memory.
  const result = await storage.withFile(asset.originalKey, (file) => makeDerivatives(file, { maxInputPixels: upload.maxInputPixels, sniffedFormat: asset.format }));
  if (!result) {
    return { ok: false, kind: 'failed', code: 'upload_missing', message: 'The original file is missing from storage, so no thumbnail can be made. Upload it again.' };
  }
  if (!result.ok) return { ok: false, kind: 'failed', code: result.code, message: result.message };

  const derivatives = await storeDerivatives(storage, asset.derivativePrefix, result.outputs);
  const { facts } = result;
  // Icons and tracking pixels carry no content to describe: the describe step gives them alt="".
  const tiny = facts.width < vision.minImagePx && facts.height < vision.minImagePx;
  const written = await db
    .update(assets)
    .set({ width: facts.width, height: facts.height, format: facts.format, metadata: { ...facts }, derivatives, decorative: asset.decorative || tiny })
    .where(and(eq(assets.id, asset.id), leaseHeld(lease)))
    .returning({ id: assets.id });
  if (written.length === 0) {
    await removeIfAssetDeleted(db, asset.id, Object.values(derivatives).map((d) => d.key));
    return { ok: false, kind: 'claim_lost' };
  }
  return { ok: true };
};

/** Writes each WebP derivative under the asset's prefix; what the row records about them. */
export async function storeDerivatives(storage: Storage, prefix: string, outputs: Record<DerivativeKind, EncodedDerivative>): Promise<NonNullable<Asset['derivatives']>> {
  const derivatives: NonNullable<Asset['derivatives']> = {};
  for (const kind of DERIVATIVE_KINDS) {
    const output = outputs[kind];
    const key = derivativeKey(prefix, kind);
    await storage.put(key, output.data, { contentType: 'image/webp' });
    derivatives[kind] = { key, width: output.width, height: output.height, bytes: output.data.length };
  }
  return derivatives;
}

/** An asset deleted mid-derive must not leave our freshly written derivatives behind. */
async function removeIfAssetDeleted(db: Db, assetId: string, keys: string[]): Promise<void> {
  const [stillThere] = await db.select({ id: assets.id }).from(assets).where(eq(assets.id, assetId));
  if (stillThere) return;
  const storage = await getStorage();
  await Promise.all(keys.map((key) => storage.delete(key)));
}
