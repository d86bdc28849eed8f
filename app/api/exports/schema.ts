import { z } from 'zod';
import { EXPORT_FORMATS, exportQuerySchema } from '@/lib/catalogue';

/**
 * GET /api/exports?format=csv|jsonl|shopify and the library's filter by the same names as the library's URL
 * (q, tag, collection, status, state, product, store); `status` defaults to approved, `status=all` takes every text.
 */
export const exportQuery = exportQuerySchema({ format: z.enum(EXPORT_FORMATS).default('csv') });
