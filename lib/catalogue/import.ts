import type { Db } from '@/db/client';
import { readCsv, type CsvProblem } from './csv-read';
import { applyImport, type ImportOutcome, type Importer } from './import-apply';
import { openImportFile, type ImportFileProblem, type KeptImportFile } from './import-files';
import { isShopifyTranslationHeader, planTranslationsImport } from './import-translations';
import { columnIndexes, detectMapping, IMPORT_FIELDS, localeColumnsOf, planImport, PREVIEW_LIST_LIMIT, type ColumnMapping, type GroupBy, type ImportPlan, type TagMode } from './import-plan';

/**
 * A CSV import, as the page and POST /api/imports run it: read the file (Shopify's translations CSV is recognised
 * by its header and planned by import-translations.ts), map its columns (detected, then as
 * the person chose on the preview), plan, and either answer the preview or (with the preview's digest) apply
 * it. The API is sent the file again to apply; the page keeps it on the server between the two steps
 * (import-files.ts) and runs the same function on it (runKeptImport). A digest that no longer matches means the
 * file or the library changed, and nothing is written.
 */

export type ImportFailure = CsvProblem | ImportFileProblem | { kind: 'bad_mapping' | 'plan_changed' | 'unknown_locale'; message: string };

export type ImportResult =
  | { ok: true; mode: 'preview'; plan: ImportPlan }
  | { ok: true; mode: 'applied'; plan: ImportPlan; outcome: ImportOutcome }
  | { ok: false; failure: ImportFailure };

export interface ImportRequest {
  /** Columns chosen by the person; an empty string un-maps a detected column. */
  mapping: ColumnMapping;
  /** Merge the file's tags into each photo's (the default), or replace them. */
  tagMode: TagMode;
  /** Group the photos into products by handle or SKU; absent: by handle when a handle column is mapped, else not at all. */
  groupBy?: GroupBy;
  /** The digest of the previewed plan: present to apply, absent to preview. */
  confirm?: string;
  importer: Importer;
}

export async function runImport(db: Db, bytes: AsyncIterable<Uint8Array>, request: ImportRequest): Promise<ImportResult> {
  const read = await readCsv(bytes);
  if (!read.ok) return { ok: false, failure: read.problem };
  if (isShopifyTranslationHeader(read.table.header)) {
    const planned = await planTranslationsImport(db, read.table, request.tagMode);
    if (!planned.ok) return { ok: false, failure: { kind: 'invalid_csv', message: planned.message } };
    return settle(db, planned.plan, request);
  }
  const detected = detectMapping(read.table.header);
  const mapping: ColumnMapping = { ...detected.mapping };
  for (const field of IMPORT_FIELDS) {
    const chosen = request.mapping[field];
    if (chosen === '') delete mapping[field];
    else if (chosen !== undefined) mapping[field] = chosen;
  }
  const columns = columnIndexes(read.table.header, mapping);
  if (!columns.ok) return { ok: false, failure: { kind: 'bad_mapping', message: columns.message } };
  const groupBy = request.groupBy ?? (mapping.handle ? 'handle' : 'none');
  if (groupBy !== 'none' && !mapping[groupBy]) {
    return { ok: false, failure: { kind: 'bad_mapping', message: `Grouping photos by ${groupBy === 'sku' ? 'SKU' : 'handle'} needs a column mapped to the ${groupBy === 'sku' ? 'SKU' : 'handle'}. Map one, or group by something else.` } };
  }
  const localeColumns = localeColumnsOf(read.table.header);
  if (!localeColumns.ok) return { ok: false, failure: { kind: 'unknown_locale', message: localeColumns.message } };
  const plan = await planImport(db, read.table, { format: detected.format, mapping, columns: columns.columns, tagMode: request.tagMode, groupBy, localeColumns: localeColumns.columns });
  return settle(db, plan, request);
}

/** The preview, or (with the preview's digest) the plan applied. */
async function settle(db: Db, plan: ImportPlan, request: ImportRequest): Promise<ImportResult> {
  if (request.confirm === undefined) return { ok: true, mode: 'preview', plan };
  if (request.confirm !== plan.digest) {
    return { ok: false, failure: { kind: 'plan_changed', message: 'The file, its column mapping or the photos it matches changed since the preview, so nothing was written. Preview the file again, then confirm.' } };
  }
  return { ok: true, mode: 'applied', plan, outcome: await applyImport(db, plan, request.importer) };
}

/** runImport on the person's kept file (found by its digest); `file` is null when it is not theirs, unknown or expired. */
export async function runKeptImport(db: Db, userId: string, digest: string, request: ImportRequest, now = new Date()): Promise<{ file: KeptImportFile | null; result: ImportResult }> {
  const opened = await openImportFile(db, userId, digest, now);
  if (!opened.ok) return { file: null, result: { ok: false, failure: { kind: opened.kind, message: opened.message } } };
  try {
    return { file: opened.file, result: await runImport(db, opened.bytes, request) };
  } finally {
    opened.bytes.destroy();
  }
}

/** A plan as an answer: every count, and at most PREVIEW_LIST_LIMIT rows of each list. */
export type PlanSummary = ImportPlan & { listLimit: number };

export function summarisePlan(plan: ImportPlan): PlanSummary {
  return {
    ...plan,
    changes: plan.changes.slice(0, PREVIEW_LIST_LIMIT),
    products: plan.products.slice(0, PREVIEW_LIST_LIMIT),
    skipped: plan.skipped.slice(0, PREVIEW_LIST_LIMIT),
    listLimit: PREVIEW_LIST_LIMIT,
  };
}
