import { z } from 'zod';
import { text } from '@/lib/text-input';
import { GROUP_BY, IMPORT_FIELDS, TAG_MODES, type ColumnMapping, type ImportField } from './import-plan';

/**
 * The import page's fields (its address after a preview, its apply form), named as POST /api/imports names its
 * query: the kept file's digest, the tag mode, the preview's digest to apply, and a column per field.
 */

/** Each field's parameter: `column_title` feeds the title from the column it names. */
export const COLUMN_PARAMS: Record<ImportField, `column_${string}`> = {
  filename: 'column_filename',
  sku: 'column_sku',
  title: 'column_title',
  collection: 'column_collection',
  tags: 'column_tags',
  altText: 'column_alt_text',
  handle: 'column_handle',
};

const sha256 = (what: string) => text().regex(/^[0-9a-f]{64}$/, `${what} is a SHA-256 digest (64 hex digits)`);
const column = text().max(200).optional();

/**
 * The choices every import makes, whether the CSV comes with the request (POST /api/imports) or was kept on the
 * server (the import page): the tag mode, the grouping into products, and a column per field.
 */
export const importChoiceFields = {
  /** `merge` (default) adds the file's tags to each photo's; `replace` makes them its only tags. */
  tag_mode: z.enum(TAG_MODES).default('merge'),
  /** Group photos into products by the handle column, by SKU, or not; absent: by handle when a handle column is mapped. */
  group_by: z.enum(GROUP_BY).optional(),
  column_filename: column,
  column_sku: column,
  column_title: column,
  column_collection: column,
  column_tags: column,
  column_alt_text: column,
  column_handle: column,
};

export const keptImportInput = z.object({
  file: sha256('file'),
  confirm: sha256('confirm').optional(),
  ...importChoiceFields,
});
export type KeptImportInput = z.output<typeof keptImportInput>;

/**
 * The mapping the fields ask for. A preview's address names only what the person changed (an absent field keeps
 * the detected column, an empty one un-maps it); an apply form carries the previewed plan's whole mapping, so
 * there an absent field is one the plan did not import.
 */
export function mappingFrom(input: Partial<Record<`column_${string}`, string | undefined>>, absent: 'detected' | 'unmapped'): ColumnMapping {
  const mapping: ColumnMapping = {};
  for (const field of IMPORT_FIELDS) {
    const chosen = input[COLUMN_PARAMS[field]];
    if (chosen !== undefined) mapping[field] = chosen;
    else if (absent === 'unmapped') mapping[field] = '';
  }
  return mapping;
}
