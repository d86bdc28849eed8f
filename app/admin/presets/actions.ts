'use server';

import { z } from 'zod';
import { getDb } from '@/db/client';
import { guardedFormAction } from '@/lib/auth';
import type { FormState } from '@/lib/auth';
import { definePreset, deletePreset, presetForm } from '@/lib/renditions';
import { text } from '@/lib/text-input';

const ADMIN_PAGE = { role: 'admin', page: '/admin/presets' } as const;

export async function savePresetAction(_previous: FormState, form: FormData): Promise<FormState> {
  return guardedFormAction({ ...ADMIN_PAGE, schema: presetForm }, form, async (input, caller) => {
    const saved = await definePreset(await getDb(), input, caller.userId);
    if (!saved.ok) return saved;
    const text = `${saved.created ? 'Added' : 'Replaced'} the preset ${saved.preset.name}${saved.created ? '' : ': its renditions will be made again on request'}.`;
    return { ok: true, notice: { tone: 'success', text } };
  });
}

export async function deletePresetAction(_previous: FormState, form: FormData): Promise<FormState> {
  return guardedFormAction({ ...ADMIN_PAGE, schema: z.object({ name: text().max(64) }) }, form, async ({ name }) => deletePreset(await getDb(), name));
}
