import type { Asset } from '@/db/schema';

/**
 * What kind of media an asset is, and a video's keyframes. A leaf module: lib/alt imports it directly, because
 * lib/ingest's index pulls in the upload code, which runs jobs, whose registry imports lib/alt (a cycle).
 */
export function isVideo(asset: Pick<Asset, 'mimeType'>): boolean {
  return asset.mimeType?.startsWith('video/') ?? false;
}

type Derivative = NonNullable<Asset['derivatives']>[string];

/** The keyframes of a video asset (derivatives `frame-1`…`frame-5`), in time order; empty before the frames job ran. */
export function keyframesOf(asset: Pick<Asset, 'derivatives'>): Derivative[] {
  return Object.entries(asset.derivatives ?? {})
    .filter(([kind]) => kind.startsWith('frame-'))
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    .map(([, derivative]) => derivative);
}
