import { z } from 'zod';
import { importChoiceFields } from '@/lib/catalogue';
import { text } from '@/lib/text-input';

/** POST /api/imports?mode=preview|apply: the CSV file is the request body; columns may be mapped by name. */
export const importQuery = z
  .object({
    /** `apply` needs `confirm`, the digest the preview answered with. */
    mode: z.enum(['preview', 'apply']).default('preview'),
    confirm: text().regex(/^[0-9a-f]{64}$/, 'confirm is the digest a preview answered with').optional(),
    ...importChoiceFields,
  })
  .strict()
  .refine((query) => query.mode === 'preview' || query.confirm !== undefined, { message: 'mode=apply needs confirm=<the digest of the preview>', path: ['confirm'] });
