'use server';

import { revalidatePath } from 'next/cache';
import { headers } from 'next/headers';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { actorOf } from '@/lib/auth/actor';
import { appOriginFromHeaders } from '@/lib/auth/app-origin';
import { formAction, parseForm } from '@/lib/auth/form-action';
import type { FormState } from '@/lib/auth/form-state';
import { requireAction } from '@/lib/auth/guard';
import { createInvite, invitePath, revokeInvite } from '@/lib/auth/invites';
import { idParams, inviteInput, roleSchema } from '@/lib/auth/schemas';
import { updateUser } from '@/lib/auth/users';

/** The admin users page's forms: the same library calls, and so the same rules, as the JSON API. */

const PAGE = '/admin/users';

export async function inviteAction(_previous: FormState, form: FormData): Promise<FormState> {
  return formAction(async () => {
    const caller = await requireAction('admin');
    const input = parseForm(inviteInput, form);
    if (!input.ok) return { error: input.message };
    const created = await createInvite(await getDb(), actorOf(caller), input.data);
    if (!created.ok) return { error: created.message };
    revalidatePath(PAGE);
    return { error: null, secret: appOriginFromHeaders(await headers()) + invitePath(created.token) };
  });
}

export async function changeRoleAction(_previous: FormState, form: FormData): Promise<FormState> {
  return formAction(async () => {
    const caller = await requireAction('admin');
    const input = parseForm(idParams.extend({ role: roleSchema }), form);
    if (!input.ok) return { error: input.message };
    const changed = await updateUser(await getDb(), actorOf(caller), input.data.id, { role: input.data.role });
    if (!changed.ok) return { error: changed.message };
    revalidatePath(PAGE);
    return { error: null };
  });
}

export async function setActiveAction(_previous: FormState, form: FormData): Promise<FormState> {
  return formAction(async () => {
    const caller = await requireAction('admin');
    const input = parseForm(idParams.extend({ active: z.enum(['true', 'false']).transform((v) => v === 'true') }), form);
    if (!input.ok) return { error: input.message };
    const changed = await updateUser(await getDb(), actorOf(caller), input.data.id, { active: input.data.active });
    if (!changed.ok) return { error: changed.message };
    revalidatePath(PAGE);
    return { error: null };
  });
}

export async function revokeInviteAction(_previous: FormState, form: FormData): Promise<FormState> {
  return formAction(async () => {
    await requireAction('admin');
    const input = parseForm(idParams, form);
    if (!input.ok) return { error: input.message };
    const revoked = await revokeInvite(await getDb(), input.data.id);
    if (!revoked.ok) return { error: revoked.message };
    revalidatePath(PAGE);
    return { error: null };
  });
}
