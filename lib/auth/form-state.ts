/**
 * What a form's server action answers: an error for the form's alert, or a one-time secret (invite link, API
 * token) to show once, perhaps with a notice about it ("Invite sent to …", or that the email did not go).
 * Imported by client forms, so it imports nothing.
 */
export interface FormState {
  error: string | null;
  secret?: string;
  notice?: FormNotice;
}

export interface FormNotice {
  tone: 'success' | 'warning';
  text: string;
}

export const EMPTY_FORM: FormState = { error: null };
