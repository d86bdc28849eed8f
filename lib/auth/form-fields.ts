/** A submitted form's own fields by name, as its server action parses them. */
export type FormFields = Record<string, string>;

/**
 * React's bookkeeping in a form the server rendered: the action's reference, its bound arguments and the
 * state's key (`$ACTION_REF_1`, `$ACTION_1:0`, `$ACTION_KEY`). Once the page hydrates, the browser submits them
 * along with the form's own fields; a page reached by client navigation never has them.
 */
const REACT_FIELD_PREFIX = '$ACTION_';

/** Never sent back to the page, even to refill a form after an error. */
const SECRET_FIELDS = new Set(['password', 'applicationPassword', 'accessToken', 'clientSecret']);

/**
 * The one reading of a server action's FormData: React's `$ACTION_*` fields dropped, an empty field counted as
 * absent (so optional fields and defaults work), and a name that repeats (ticked checkboxes) joined with
 * commas, as the API's list fields take it.
 */
export function formFields(form: FormData): FormFields {
  const fields = new Map<string, string>();
  for (const [name, value] of form) {
    if (name.startsWith(REACT_FIELD_PREFIX) || typeof value !== 'string' || value === '') continue;
    const earlier = fields.get(name);
    fields.set(name, earlier === undefined ? value : `${earlier},${value}`);
  }
  return Object.fromEntries(fields);
}

/** What a form gets back with an error to show again: what was submitted, less its secrets. */
export function refillValues(fields: FormFields): FormFields {
  return Object.fromEntries(Object.entries(fields).filter(([name]) => !SECRET_FIELDS.has(name)));
}
