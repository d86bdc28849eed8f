'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { actorOf } from '@/lib/auth/actor';
import { formAction, parseForm } from '@/lib/auth/form-action';
import type { FormState } from '@/lib/auth/form-state';
import { requireAction } from '@/lib/auth/guard';
import { idParams, tokenInput } from '@/lib/auth/schemas';
import { createApiToken, revokeApiToken } from '@/lib/auth/tokens';

const PAGE = '/admin/tokens';

export async function createTokenAction(_previous: FormState, form: FormData): Promise<FormState> {
  return formAction(async () => {
    const caller = await requireAction('admin');
    const input = parseForm(tokenInput, form);
    if (!input.ok) return { error: input.message };
    const created = await createApiToken(await getDb(), actorOf(caller), input.data);
    if (!created.ok) return { error: created.message };
    revalidatePath(PAGE);
    return { error: null, secret: created.token };
  });
}

export async function revokeTokenAction(_previous: FormState, form: FormData): Promise<FormState> {
  return formAction(async () => {
    await requireAction('admin');
    const input = parseForm(idParams, form);
    if (!input.ok) return { error: input.message };
    const revoked = await revokeApiToken(await getDb(), input.data.id);
    if (!revoked.ok) return { error: revoked.message };
    revalidatePath(PAGE);
    return { error: null };
  });
}

