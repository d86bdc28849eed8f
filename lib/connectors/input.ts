import { text } from '@/lib/text-input';

/** Input fields more than one kind asks for (POST /api/connections and credential rotation). */

export const MAX_STORE_URL_LENGTH = 2000;

export const storeUrlField = () =>
  text().trim().min(1, 'Enter the store’s address.').max(MAX_STORE_URL_LENGTH, `Use a URL of at most ${MAX_STORE_URL_LENGTH} characters.`);

/** A secret as the admin pasted it: never trimmed (spaces may be part of it), bounded. */
export const secretField = (what: string, max = 500) => text().min(1, `Enter the ${what}.`).max(max, `Use at most ${max} characters for the ${what}.`);
