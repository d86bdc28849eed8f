export { listAssets, getAsset, deleteAsset, MAX_PAGE_SIZE, type AssetPage } from './queries';
export { toAssetView, type AssetView, type DerivativeView } from './view';
export { isUuid, encodeCursor, decodeCursor } from './cursor';
