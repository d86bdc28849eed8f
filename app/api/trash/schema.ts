import { z } from 'zod';
import { MAX_BULK_ITEMS } from '@/lib/library';

export const trashQuery = z.object({
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(48),
});

export const restoreBody = z
  .object({
    ids: z
      .array(z.string().max(100))
      .min(1, 'name at least one asset to restore')
      .max(MAX_BULK_ITEMS, `at most ${MAX_BULK_ITEMS} assets per call: send the rest in another`),
  })
  .strict();

export const RESTORE_MAX_BODY_BYTES = MAX_BULK_ITEMS * 40 + 64 * 1024;
