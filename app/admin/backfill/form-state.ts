/** What the backfill page's buttons answer: an error, the dry run's lines, or a note that a run started. Imported by the client form, so it imports nothing. */
export interface BackfillFormState {
  error: string | null;
  lines?: string[];
  notice?: string;
}

export const EMPTY_BACKFILL_FORM: BackfillFormState = { error: null };
