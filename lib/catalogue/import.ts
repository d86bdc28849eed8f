import type { Db } from '@/db/client';
import { readCsv, type CsvProblem } from './csv-read';
import { applyImport, type ImportOutcome, type Importer } from './import-apply';
import { columnIndexes, detectMapping, IMPORT_FIELDS, planImport, PREVIEW_LIST_LIMIT, type ColumnMapping, type ImportPlan, type TagMode } from './import-plan';

/**
 * A CSV import, as the page and POST /api/imports run it: read the file, map its columns (detected, then as
 * the person chose on the preview), plan, and either answer the preview or (with the preview's digest) apply
 * it. The file is sent again to apply, so nothing is held between the two steps; a digest that no longer
 * matches means the file or the library changed, and nothing is written.
 */

export type ImportFailure = CsvProblem | { kind: 'bad_mapping' | 'plan_changed'; message: string };

export type ImportResult =
  | { ok: true; mode: 'preview'; plan: ImportPlan }
  | { ok: true; mode: 'applied'; plan: ImportPlan; outcome: ImportOutcome }
  | { ok: false; failure: ImportFailure };

export interface ImportRequest {
  /** Columns chosen by the person; an empty string un-maps a detected column. */
  mapping: ColumnMapping;
  /** Merge the file's tags into each photo's (the default), or replace them. */
  tagMode: TagMode;
  /** The digest of the previewed plan: present to apply, absent to preview. */
  confirm?: string;
  importer: Importer;
}

export async function runImport(db: Db, bytes: AsyncIterable<Uint8Array>, request: ImportRequest): Promise<ImportResult> {
  const read = await readCsv(bytes);
  if (!read.ok) return { ok: false, failure: read.problem };
  const detected = detectMapping(read.table.header);
  const mapping: ColumnMapping = { ...detected.mapping };
  for (const field of IMPORT_FIELDS) {
    const chosen = request.mapping[field];
    if (chosen === '') delete mapping[field];
    else if (chosen !== undefined) mapping[field] = chosen;
  }
  const columns = columnIndexes(read.table.header, mapping);
  if (!columns.ok) return { ok: false, failure: { kind: 'bad_mapping', message: columns.message } };
  const plan = await planImport(db, read.table, { format: detected.format, mapping, columns: columns.columns, tagMode: request.tagMode });
  if (request.confirm === undefined) return { ok: true, mode: 'preview', plan };
  if (request.confirm !== plan.digest) {
    return { ok: false, failure: { kind: 'plan_changed', message: 'The file, its column mapping or the photos it matches changed since the preview, so nothing was written. Preview the file again, then confirm.' } };
  }
  return { ok: true, mode: 'applied', plan, outcome: await applyImport(db, plan, request.importer) };
}

/** A plan as an answer: every count, and at most PREVIEW_LIST_LIMIT rows of each list. */
export function summarisePlan(plan: ImportPlan) {
  return {
    ...plan,
    changes: plan.changes.slice(0, PREVIEW_LIST_LIMIT),
    skipped: plan.skipped.slice(0, PREVIEW_LIST_LIMIT),
    listLimit: PREVIEW_LIST_LIMIT,
  };
}
