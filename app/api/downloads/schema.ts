import { z } from 'zod';
import { onlyOne, selectionFields, SELECTION_MAX_BODY_BYTES } from '@/lib/downloads';
import { text } from '@/lib/text-input';

/** A preset's name as lib/renditions knows it (built-in or an admin's). */
export const presetName = text().trim().min(1, 'name a preset, or leave it out for the originals').max(64, 'a preset name is at most 64 characters');

/** `{ preset?, ids }` or `{ preset?, filter }`: the photos picked, or all matching the library's filter. */
export const downloadBody = z
  .object({ ...selectionFields, preset: presetName.optional() })
  .strict()
  .superRefine(onlyOne(['ids', 'filter']));

export const DOWNLOAD_MAX_BODY_BYTES = SELECTION_MAX_BODY_BYTES;

export const downloadParams = z.object({ id: z.uuid('Not a download id.') });
