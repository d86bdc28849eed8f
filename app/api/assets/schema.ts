import { z } from 'zod';
import { LIBRARY_FILTERS, MAX_PAGE_SIZE } from '@/lib/assets';

export const listAssetsQuery = z.object({
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
  /** `failed`: only photos a step failed for (Retry or Delete them). */
  state: z.enum(LIBRARY_FILTERS).optional(),
});

export const assetParams = z.object({ id: z.string() });
