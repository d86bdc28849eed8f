export { searchAssets, candidateWindow, MAX_PAGE_SIZE, type SearchHit, type SearchNotice, type SearchResult, type Signal } from './hybrid';
export { similarAssets, MAX_SIMILAR, type SimilarResult } from './similar';
export { searchFiltersSchema, type SearchFilters } from './filters';
export { MAX_QUERY_LENGTH, parseQuery } from './query-terms';
export { assetViewsById } from './asset-views';
export type { SearchHitAsset } from './result-row';
export { filterConditions } from './filters';
export { cosineDistance, planVectorScan, withVectorScan } from './vector-scan';
export { regconfigFor, REGCONFIGS, type Regconfig } from './languages';
