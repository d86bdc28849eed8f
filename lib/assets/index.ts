export { listAssets, getAsset, MAX_PAGE_SIZE, type AssetPage } from './queries';
export { toAssetView, type AssetView, type DerivativeView } from './view';
export { isUuid, encodeCursor, decodeCursor } from './cursor';
export { libraryFilterSchema, libraryCondition, hasLibraryFilter, LIBRARY_FILTER_KEYS, type LibraryFilter } from './filter';
