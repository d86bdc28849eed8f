export { catalogueFields, catalogueColumns, hasCatalogueEdit, normaliseTags, MAX_TAG_LENGTH, MAX_TAGS, type CatalogueEdit } from './metadata';
export { runImport, runKeptImport, summarisePlan, type ImportResult, type ImportFailure, type PlanSummary } from './import';
export { importFileProblem, keepImportFile, openImportFile, removeExpiredImportFiles, IMPORT_FILE_MESSAGES, IMPORT_FILE_PROBLEMS, IMPORT_FILE_TTL_MS, MAX_IMPORT_FILENAME_LENGTH, type ImportFileProblemKind, type KeepResult, type KeptImportFile } from './import-files';
export { keepUploadedImportFile, IMPORT_FILE_FIELD } from './import-upload';
export { COLUMN_PARAMS, importChoiceFields, keptImportInput, mappingFrom, type KeptImportInput } from './import-input';
export { GROUP_BY, IMPORT_FIELDS, MAX_IMAGE_POSITION, PREVIEW_LIST_LIMIT, SKIP_REASONS, TAG_MODES, type GroupBy, type ProductGroup, type ImportField, type ImportPlan, type ColumnMapping, type RowChange, type SkippedRow, type SkipReason, type TagMode } from './import-plan';
export { MAX_IMPORT_BYTES, MAX_IMPORT_ROWS } from './csv-read';
export type { Importer, ImportOutcome } from './import-apply';
export { exportStream, exportFilename, exportContentType, countShopifyReady, countShopifyTranslatable, neutraliseCell, exportFilterSchema, exportQuerySchema, EXPORT_FORMATS, EXPORT_STATUSES, type ExportFilter, type ExportFormat, type ExportStatus } from './export';
export {
  readShopifyTranslations,
  readShopifyTranslationsFile,
  writeShopifyTranslations,
  SHOPIFY_TRANSLATION_HEADER,
  SHOPIFY_IMAGE_TYPE,
  SHOPIFY_ALT_FIELD,
  MAX_TRANSLATION_CELL_CHARS,
  MAX_TRANSLATION_KEY_CHARS,
  MAX_TRANSLATION_ROWS,
  TRANSLATION_PROBLEMS,
  type ShopifyTranslationRow,
  type NumberedTranslationRow,
  type TranslationProblem,
  type TranslationRowRead,
} from './shopify-translations';
