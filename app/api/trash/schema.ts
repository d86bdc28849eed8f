import { z } from 'zod';
import { integerFromString, text } from '@/lib/text-input';
import { MAX_BULK_ITEMS } from '@/lib/library';

export const trashQuery = z.object({
  cursor: text().max(512).optional(),
  limit: integerFromString(1, 100).default(48),
});

export const restoreBody = z
  .object({
    ids: z
      .array(text().max(100))
      .min(1, 'name at least one asset to restore')
      .max(MAX_BULK_ITEMS, `at most ${MAX_BULK_ITEMS} assets per call: send the rest in another`),
  })
  .strict();

export const RESTORE_MAX_BODY_BYTES = MAX_BULK_ITEMS * 40 + 64 * 1024;
