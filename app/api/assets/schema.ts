import { z } from 'zod';
import { integerFromString, text } from '@/lib/text-input';
import { MAX_PAGE_SIZE } from '@/lib/assets';
import { filterSchema } from '@/lib/filters';

/** A page of the library, narrowed by the filter language (lib/filters) every page and bulk "select all matching" use. */
export const listAssetsQuery = filterSchema({
  cursor: text().max(512).optional(),
  limit: integerFromString(1, MAX_PAGE_SIZE).default(50),
  /** `total=1`: also count every asset the filter matches (what "select all matching" would act on). */
  total: z
    .literal('1', { error: 'total takes only 1' })
    .optional()
    .describe('1: the answer adds `total` (assets the filter matches) and `totalEstimated` (true when the total is estimated from a sample: past 20,000 matching photos).'),
});

export const assetParams = z.object({ id: text().max(100) });
