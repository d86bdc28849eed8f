'use client';

import { useSyncExternalStore } from 'react';

/**
 * The newest version of each asset this page has saved. The asset page's editors (alt text, catalogue data) each
 * save with the asset's version; after one saves, the other must send the new version at once, not the one its
 * props still carry until the page's refresh arrives (a slow refresh made the second save a false conflict).
 */
const saved = new Map<string, number>();
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** A save answered with this version: every editor of the asset sends it from now on. */
export function recordSavedVersion(assetId: string, version: number): void {
  if ((saved.get(assetId) ?? -1) >= version) return;
  saved.set(assetId, version);
  for (const listener of listeners) listener();
}

/** The version an editor of the asset saves with: the page's, or a newer one saved meanwhile on this page. */
export function useAssetVersion(assetId: string, loaded: number): number {
  const newest = useSyncExternalStore(
    subscribe,
    () => saved.get(assetId) ?? -1,
    () => -1,
  );
  return Math.max(loaded, newest);
}
