'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { assetEditBody, editorOf, patchAsset, type PatchAssetResult } from '@/lib/alt';
import { guardedForm, parseForm, type FormFields, type FormState } from '@/lib/auth';
import { normaliseTags } from '@/lib/catalogue';

/**
 * The asset page's editors as forms, so they work without JavaScript too: the same schema, library call and
 * version guard as PATCH /api/assets/:id. Each form carries the asset's id and the version its page showed.
 */

type Stale = Extract<PatchAssetResult, { kind: 'version_conflict' }>['current'];

async function saveAssetEdit(form: FormData, editOf: (fields: FormFields) => Record<string, unknown>, describeStale: (current: Stale) => string): Promise<FormState> {
  return guardedForm('editor', form, async (fields, caller): Promise<FormState> => {
    const edit = parseForm(assetEditBody, { ...editOf(fields), version: Number(fields.version ?? '') });
    if (!edit.ok) return { error: edit.message };
    const assetId = fields.assetId ?? '';
    const result = await patchAsset(await getDb(), assetId, edit.data, editorOf(caller));
    if (!result.ok && result.kind === 'not_found') return { error: 'No such asset: it may have been deleted.' };
    // The page shows the asset as it is now either way; a stale edit stays in the form, to be saved again knowingly.
    revalidatePath(`/assets/${assetId}`);
    if (!result.ok) return { error: `Someone changed this asset since you opened it: ${describeStale(result.current)} Your edit is still in the form; save it again to replace that.` };
    return { error: null, notice: { tone: 'success', text: 'Saved.' } };
  });
}

/** An empty field clears it (formFields counts it absent, so it is sent as empty text). */
export async function saveCatalogueAction(_previous: FormState, form: FormData): Promise<FormState> {
  return saveAssetEdit(
    form,
    (fields) => ({ title: fields.title ?? '', sku: fields.sku ?? '', collection: fields.collection ?? '', tags: normaliseTags((fields.tags ?? '').split(',')) }),
    (current) =>
      `its title is now ${current.title ?? '(none)'}, SKU ${current.sku ?? '(none)'}, collection ${current.collection ?? '(none)'}, tags ${current.tags.length ? current.tags.join(', ') : '(none)'}.`,
  );
}

/** An empty text is refused by the schema (mark the image decorative instead), as the API refuses it. */
export async function saveAltTextAction(_previous: FormState, form: FormData): Promise<FormState> {
  return saveAssetEdit(
    form,
    (fields) => ({ altText: fields.altText ?? '' }),
    (current) => `its alt text is now ${current.alt.text === null ? 'empty' : `"${current.alt.text}"`}.`,
  );
}
