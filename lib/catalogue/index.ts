export { catalogueFields, catalogueColumns, hasCatalogueEdit, normaliseTags, MAX_TAG_LENGTH, MAX_TAGS, type CatalogueEdit } from './metadata';
export { runImport, summarisePlan, type ImportResult, type ImportFailure } from './import';
export { IMPORT_FIELDS, SKIP_REASONS, TAG_MODES, type ImportField, type ImportPlan, type ColumnMapping, type RowChange, type SkippedRow, type SkipReason, type TagMode } from './import-plan';
export { MAX_IMPORT_BYTES, MAX_IMPORT_ROWS } from './csv-read';
export type { Importer, ImportOutcome } from './import-apply';
export { exportStream, exportFilename, exportContentType, countShopifyReady, neutraliseCell, EXPORT_FORMATS, EXPORT_STATUSES, type ExportFormat, type ExportStatus } from './export';
