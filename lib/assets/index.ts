export { listAssets, getAsset, deleteAsset, MAX_PAGE_SIZE, type AssetPage } from './queries';
export { toAssetView, type AssetView, type DerivativeView } from './view';
export { isUuid, encodeCursor, decodeCursor } from './cursor';
export { countLibrary, LIBRARY_FILTERS, type LibraryFilter } from './queries';
export { isFailedAsset, type ViewOptions } from './view';
export { failureMessage, gateMessage, altFailureOf, presentHistory, type PresentedHistory } from './messages';
