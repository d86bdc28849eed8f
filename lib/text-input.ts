import { z } from 'zod';

/**
 * The one string helper and the one integer helper every input schema is built from (routes, forms, filters,
 * bulk actions, review items, backfill options), so hostile input is a 422 that names the field, never a 500
 * deep in a query: PostgreSQL cannot store or compare text holding a NUL character, and its `integer` (and
 * every `::int` cast) stops at 2^31 − 1.
 */

export function hasNoNul(value: string): boolean {
  return !value.includes('\u0000');
}

export const NO_NUL_MESSAGE = 'remove the NUL character (\\u0000): text cannot contain it';

/** Any text a client sends: a string without NUL. Chain `.trim()`, `.max()` and the rest as on `z.string()`. */
export function text(): z.ZodString {
  return z.string().refine(hasNoNul, NO_NUL_MESSAGE);
}

/** The largest value of PostgreSQL's `integer`. */
export const MAX_DB_INTEGER = 2_147_483_647;

/** A whole number within [min, max]; every integer a client sends has both bounds. */
export function integer(min: number, max: number): z.ZodNumber {
  return z.number().int('send a whole number').min(min, `send at least ${min}`).max(max, `send at most ${max}`);
}

/** The same, from a query string or a form field (`?limit=50`). */
export function integerFromString(min: number, max: number) {
  return z.coerce.number().int('send a whole number').min(min, `send at least ${min}`).max(max, `send at most ${max}`);
}
