import { z } from 'zod';
import { integerFromString, text } from '@/lib/text-input';
import { libraryFilterSchema, MAX_PAGE_SIZE } from '@/lib/assets';

/** A page of the library, narrowed by the same filter the library page and bulk "select all matching" use. */
export const listAssetsQuery = z.object({
  ...libraryFilterSchema.shape,
  cursor: text().max(512).optional(),
  limit: integerFromString(1, MAX_PAGE_SIZE).default(50),
  /** `total=1`: also count every asset the filter matches (what "select all matching" would act on). */
  total: z.literal('1', { error: 'total takes only 1' }).optional(),
});

export const assetParams = z.object({ id: text().max(100) });
