/**
 * What a form's server action answers: an error for the form's alert, or a one-time secret (invite link, API
 * token) to show once. Imported by client forms, so it imports nothing.
 */
export interface FormState {
  error: string | null;
  secret?: string;
}

export const EMPTY_FORM: FormState = { error: null };
