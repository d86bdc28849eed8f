import { assets, type Asset } from '@/db/schema';

/** What every asset event carries: the asset as it is after the change (a snapshot: asset.deleted outlives the row). */
export type AssetSnapshot = Pick<
  Asset,
  'id' | 'filename' | 'sku' | 'title' | 'collection' | 'tags' | 'altText' | 'altStatus' | 'altSource' | 'decorative' | 'version' | 'mimeType' | 'sizeBytes' | 'sha256'
>;

export const snapshotColumns = {
  id: assets.id,
  filename: assets.filename,
  sku: assets.sku,
  title: assets.title,
  collection: assets.collection,
  tags: assets.tags,
  altText: assets.altText,
  altStatus: assets.altStatus,
  altSource: assets.altSource,
  decorative: assets.decorative,
  version: assets.version,
  mimeType: assets.mimeType,
  sizeBytes: assets.sizeBytes,
  sha256: assets.sha256,
};

/** The payload webhook receivers depend on: its fields and their names stay as they are. */
export function assetEventData(asset: AssetSnapshot): Record<string, unknown> {
  return {
    id: asset.id,
    filename: asset.filename,
    sku: asset.sku,
    title: asset.title,
    collection: asset.collection,
    tags: asset.tags,
    altText: asset.altText,
    altStatus: asset.altStatus,
    altSource: asset.altSource,
    decorative: asset.decorative,
    version: asset.version,
    mimeType: asset.mimeType,
    sizeBytes: asset.sizeBytes,
    sha256: asset.sha256,
  };
}
