import { z } from 'zod';
import { EXPORT_FORMATS, EXPORT_STATUSES } from '@/lib/catalogue';
import { text } from '@/lib/text-input';

/** GET /api/exports?format=csv|jsonl|shopify&status=approved|all&locale=fr */
export const exportQuery = z
  .object({
    format: z.enum(EXPORT_FORMATS).default('csv'),
    status: z.enum(EXPORT_STATUSES).default('approved'),
    /** A configured locale (LOCALES): that locale's alt text alone. */
    locale: text().max(64).optional(),
  })
  .strict();
