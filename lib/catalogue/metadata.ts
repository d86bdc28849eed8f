import { z } from 'zod';
import { text } from '@/lib/text-input';

/**
 * The catalogue fields people and imports set on an asset: title, SKU and collection (tags are edited with
 * them but live beside alt text). They are context for the vision prompt and for search, so they are short
 * single-line text; an empty value clears the field.
 */

export const MAX_TITLE_LENGTH = 300;
export const MAX_SKU_LENGTH = 100;
export const MAX_COLLECTION_LENGTH = 200;
export const MAX_TAG_LENGTH = 64;
export const MAX_TAGS = 100;

const singleLine = (max: number, what: string) =>
  text()
    .trim()
    .max(max, `${what} is at most ${max} characters`)
    .refine((value) => !/[\r\n\t]/.test(value), `${what} must be one line`)
    .transform((value) => (value === '' ? null : value));

export const catalogueFields = {
  title: singleLine(MAX_TITLE_LENGTH, 'a title').nullable().optional(),
  sku: singleLine(MAX_SKU_LENGTH, 'a SKU').nullable().optional(),
  collection: singleLine(MAX_COLLECTION_LENGTH, 'a collection').nullable().optional(),
};

export interface CatalogueEdit {
  title?: string | null;
  sku?: string | null;
  collection?: string | null;
}

export function hasCatalogueEdit(edit: CatalogueEdit): boolean {
  return edit.title !== undefined || edit.sku !== undefined || edit.collection !== undefined;
}

/** The columns an edit sets: only the fields it names. */
export function catalogueColumns(edit: CatalogueEdit): CatalogueEdit {
  return {
    ...(edit.title !== undefined ? { title: edit.title } : {}),
    ...(edit.sku !== undefined ? { sku: edit.sku } : {}),
    ...(edit.collection !== undefined ? { collection: edit.collection } : {}),
  };
}

/** Tags as people type them ("red, wool coat"): trimmed, de-duplicated case-insensitively, empty ones dropped. */
export function normaliseTags(tags: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const tag of tags) {
    const trimmed = tag.trim();
    if (trimmed && !seen.has(trimmed.toLowerCase())) seen.set(trimmed.toLowerCase(), trimmed);
  }
  return [...seen.values()];
}
