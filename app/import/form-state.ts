import type { FormState } from '@/lib/auth';
import type { SkippedRow } from '@/lib/catalogue';

/** What the import page's apply form answers: an error, or what the import did. Imported by the client form, so it imports only types. */
export interface ImportFormState extends FormState {
  applied?: {
    applied: number;
    totalRows: number;
    unchangedCount: number;
    /** Rows the preview already said would not apply, plus rows whose photo changed since the preview. */
    notApplied: number;
    /** The rows whose photo changed since the preview (at most PREVIEW_LIST_LIMIT listed). */
    conflicts: SkippedRow[];
  };
}

export const EMPTY_IMPORT_FORM: ImportFormState = { error: null };
