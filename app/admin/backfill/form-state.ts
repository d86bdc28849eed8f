import type { FormState } from '@/lib/auth';

/** What the backfill page's buttons answer: an error, the dry run's lines, or a note that a run started. Imported by the client form, so it imports only types. */
export interface BackfillFormState extends FormState {
  lines?: string[];
}

export const EMPTY_BACKFILL_FORM: BackfillFormState = { error: null };
