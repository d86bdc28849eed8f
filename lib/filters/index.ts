// The schema first: it imports only leaves, so a module reached while the compiler's imports load (lib/alt,
// lib/assets) finds it ready.
export { filterShape, filterSchema, assetFilterSchema, filterFromParams, filterParams, filterToParams, hasFilter, FILTER_KEYS, type AssetFilter, type FilterKey } from './schema';
export * from './vocabulary';
export { filterSql, visibleSql, uploadedSql, notTrashedSql, altStatusSql, reviewStatusOfSql, flagSql, personTextSql } from './compile';
export { planCounts, EXACT_COUNT_MAX, type CountPlan, type CountOptions } from './estimate';
