'use server';

import { getDb } from '@/db/client';
import { editorOf } from '@/lib/alt';
import { guardedForm, parseForm } from '@/lib/auth';
import { keptImportInput, mappingFrom, PREVIEW_LIST_LIMIT, runKeptImport } from '@/lib/catalogue';
import type { ImportFormState } from './form-state';

/**
 * The import page's "Apply" form, with or without JavaScript: the kept file's digest, the previewed plan's digest,
 * its tag mode and its whole mapping, applied with the same runImport as POST /api/imports. The file itself never
 * comes back from the browser: it is the one this person chose, kept on the server (lib/catalogue/import-files).
 */
export async function applyImportAction(_previous: ImportFormState, form: FormData): Promise<ImportFormState> {
  return guardedForm('editor', form, async (fields, caller): Promise<ImportFormState> => {
    const input = parseForm(keptImportInput, fields);
    if (!input.ok) return { error: input.message };
    // Always a person here (requireAction); the narrowing is for the type.
    if (caller.kind !== 'user') return { error: 'Sign in to apply an import.' };
    if (!input.data.confirm) return { error: 'Preview the file first: applying needs the digest of the preview you checked.' };
    const { result } = await runKeptImport(await getDb(), caller.userId, input.data.file, {
      mapping: mappingFrom(input.data, 'unmapped'),
      tagMode: input.data.tag_mode,
      groupBy: input.data.group_by,
      confirm: input.data.confirm,
      importer: editorOf(caller),
    });
    if (!result.ok) return { error: result.failure.message };
    if (result.mode !== 'applied') return { error: 'Nothing was applied: the preview’s digest was missing.' };
    const { plan, outcome } = result;
    return {
      error: null,
      applied: {
        applied: outcome.applied,
        totalRows: plan.totalRows,
        unchangedCount: plan.unchangedCount,
        notApplied: plan.skippedCount + outcome.conflicts.length,
        conflicts: outcome.conflicts.slice(0, PREVIEW_LIST_LIMIT),
      },
    };
  });
}
