import { z } from 'zod';
import { presetInput } from '@/lib/renditions';
import { text } from '@/lib/text-input';

/** The preset routes' input: the schema lives in lib/renditions, shared with the admin page's form. */
export const presetBody = presetInput;
export const presetParams = z.object({ name: text().max(64) });
