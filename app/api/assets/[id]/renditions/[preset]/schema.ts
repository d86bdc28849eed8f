import { z } from 'zod';
import { text } from '@/lib/text-input';

export const renditionParams = z.object({ id: text().max(100), preset: text().max(64) });
/** `download=1`: the signed URL makes browsers save the file (named after the photo and the preset) rather than show it. */
export const renditionQuery = z.object({ download: z.literal('1', { error: 'download takes only 1' }).optional() });
