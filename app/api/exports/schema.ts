import { z } from 'zod';
import { EXPORT_FORMATS, EXPORT_STATUSES } from '@/lib/catalogue';

/** GET /api/exports?format=csv|jsonl|shopify&status=approved|all */
export const exportQuery = z
  .object({
    format: z.enum(EXPORT_FORMATS).default('csv'),
    status: z.enum(EXPORT_STATUSES).default('approved'),
  })
  .strict();
