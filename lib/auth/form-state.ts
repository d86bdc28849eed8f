/**
 * What a form's server action answers: an error for the form's alert (with what was submitted, so the form
 * shows it again), or a one-time secret (invite link, API token) to show once, perhaps with a notice about it
 * ("Invite sent to …", or that the email did not go). Imported by client forms, so it imports nothing.
 */
export interface FormState {
  error: string | null;
  /** With an error: the submitted fields by name (never a password), the form's inputs' default values. */
  values?: Record<string, string>;
  secret?: string;
  notice?: FormNotice;
}

export interface FormNotice {
  tone: 'success' | 'warning';
  text: string;
}

export const EMPTY_FORM: FormState = { error: null };

/**
 * The value a form's input starts with: what was submitted when the action answered an error (React resets a
 * form after its action, to these defaults; without JavaScript the server renders them), else its own default.
 */
export function refilled(state: FormState, name: string, initial = ''): string {
  return state.values ? (state.values[name] ?? '') : initial;
}
