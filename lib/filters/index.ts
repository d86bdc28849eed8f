export { filterSql, visibleSql, uploadedSql, notTrashedSql, altStatusSql, reviewStatusOfSql, flagSql, personTextSql } from './compile';
export { filterShape, filterSchema, assetFilterSchema, filterFromParams, filterParams, filterToParams, hasFilter, FILTER_KEYS, type AssetFilter, type FilterKey } from './schema';
export * from './vocabulary';
