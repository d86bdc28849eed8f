/**
 * PostgreSQL cannot store or compare text holding a NUL character: such input would fail as a 500 deep in a
 * query, so every free-text field refuses it up front with a 422 that names it.
 */
export function hasNoNul(text: string): boolean {
  return !text.includes('\u0000');
}

export const NO_NUL_MESSAGE = 'remove the NUL character (\\u0000): text cannot contain it';
