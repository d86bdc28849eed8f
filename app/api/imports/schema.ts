import { z } from 'zod';
import { GROUP_BY, TAG_MODES } from '@/lib/catalogue';
import { text } from '@/lib/text-input';

const column = text().max(200).optional();

/** POST /api/imports?mode=preview|apply: the CSV file is the request body; columns may be mapped by name. */
export const importQuery = z
  .object({
    /** `apply` needs `confirm`, the digest the preview answered with. */
    mode: z.enum(['preview', 'apply']).default('preview'),
    /** `merge` (default) adds the file's tags to each photo's; `replace` makes them its only tags. */
    tag_mode: z.enum(TAG_MODES).default('merge'),
    /** Group photos into products by the handle column, by SKU, or not; default: by handle when a handle column is mapped. */
    group_by: z.enum(GROUP_BY).optional(),
    confirm: text().regex(/^[0-9a-f]{64}$/, 'confirm is the digest a preview answered with').optional(),
    column_filename: column,
    column_sku: column,
    column_title: column,
    column_collection: column,
    column_tags: column,
    column_alt_text: column,
    column_handle: column,
  })
  .strict()
  .refine((query) => query.mode === 'preview' || query.confirm !== undefined, { message: 'mode=apply needs confirm=<the digest of the preview>', path: ['confirm'] });
