import type { AssetView } from '@/lib/assets';

/**
 * Folds fresh rows into the list on screen: known ids are replaced in place, unknown ones that are newer than
 * the list's head (uploaded since) go on top, `removed` ids drop out. Order stays newest first.
 */
export function mergeAssets(current: AssetView[], fresh: AssetView[], removed: ReadonlySet<string> = new Set()): AssetView[] {
  const freshById = new Map(fresh.map((asset) => [asset.id, asset]));
  const knownIds = new Set(current.map((asset) => asset.id));
  const added = fresh.filter((asset) => !knownIds.has(asset.id));
  const updated = current.filter((asset) => !removed.has(asset.id)).map((asset) => freshById.get(asset.id) ?? asset);
  return [...added, ...updated];
}

/** Appends a further page, skipping rows already shown (a row can shift pages while uploads arrive). */
export function appendPage(current: AssetView[], page: AssetView[]): AssetView[] {
  const knownIds = new Set(current.map((asset) => asset.id));
  return [...current, ...page.filter((asset) => !knownIds.has(asset.id))];
}
