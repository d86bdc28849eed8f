export { listAssets, getAsset, MAX_PAGE_SIZE, type AssetPage } from './queries';
export { toAssetView, downloadName, type AssetView, type DerivativeView } from './view';
export { isUuid, encodeCursor, decodeCursor } from './cursor';
export { countLibrary, countAssets, type LibraryCounts } from './counts';
export { type ViewOptions } from './view';
export { CONDITIONS, conditionOf, conditionSql, altFailedSql, altRetryingSql, isAltRetrying, jobRetryTimes, type Condition } from './condition';
export { failureMessage, gateMessage, altFailureOf, presentHistory, type PresentedHistory } from './messages';
export { assetLinks, productSiblings, NO_LINKS, type AssetLinks, type ProductView, type RemoteView, type SiblingView } from './links';
