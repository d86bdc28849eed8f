import { z } from 'zod';
import { EXPORT_FORMATS, exportQuerySchema } from '@/lib/catalogue';
import { text } from '@/lib/text-input';

/**
 * GET /api/exports?format=csv|jsonl|shopify|shopify-translations, the library's filter by the same names as the library's URL
 * (q, tag, collection, status, state, product, store; `status` defaults to approved, `status=all` takes every
 * text), and `locale` (a configured locale, LOCALES: that locale's alt text alone).
 */
export const exportQuery = exportQuerySchema({ format: z.enum(EXPORT_FORMATS).default('csv'), locale: text().max(64).optional() });
