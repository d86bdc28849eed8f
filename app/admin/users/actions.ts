'use server';

import { headers } from 'next/headers';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { inviteAndEmail, actorOf, appOriginFromHeaders, guardedFormAction, revokeInvite, idParams, inviteInput, roleSchema, updateUser } from '@/lib/auth';
import type { FormState } from '@/lib/auth';

/** The admin users page's forms: the same library calls, and so the same rules, as the JSON API. */

const ADMIN_PAGE = { role: 'admin', page: '/admin/users' } as const;

export async function inviteAction(_previous: FormState, form: FormData): Promise<FormState> {
  return guardedFormAction({ ...ADMIN_PAGE, schema: inviteInput }, form, async (input, caller) => {
    const created = await inviteAndEmail(await getDb(), actorOf(caller), input, appOriginFromHeaders(await headers()));
    if (!created.ok) return created;
    const { email } = created;
    return { ok: true, secret: created.url, ...(email.status === 'not_configured' ? {} : { notice: { tone: email.status === 'sent' ? 'success' : 'warning', text: email.message } }) };
  });
}

export async function changeRoleAction(_previous: FormState, form: FormData): Promise<FormState> {
  return guardedFormAction({ ...ADMIN_PAGE, schema: idParams.extend({ role: roleSchema }) }, form, async ({ id, role }, caller) =>
    updateUser(await getDb(), actorOf(caller), id, { role }),
  );
}

const activeInput = idParams.extend({ active: z.enum(['true', 'false']).transform((value) => value === 'true') });

export async function setActiveAction(_previous: FormState, form: FormData): Promise<FormState> {
  return guardedFormAction({ ...ADMIN_PAGE, schema: activeInput }, form, async ({ id, active }, caller) =>
    updateUser(await getDb(), actorOf(caller), id, { active }),
  );
}

export async function revokeInviteAction(_previous: FormState, form: FormData): Promise<FormState> {
  return guardedFormAction({ ...ADMIN_PAGE, schema: idParams }, form, async ({ id }, caller) => revokeInvite(await getDb(), actorOf(caller), id));
}
