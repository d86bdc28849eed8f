'use server';

import { getDb } from '@/db/client';
import { actorOf, guardedFormAction, idParams, tokenInput, createApiToken, revokeApiToken } from '@/lib/auth';
import type { FormState } from '@/lib/auth';

const ADMIN_PAGE = { role: 'admin', page: '/admin/tokens' } as const;

export async function createTokenAction(_previous: FormState, form: FormData): Promise<FormState> {
  return guardedFormAction({ ...ADMIN_PAGE, schema: tokenInput }, form, async (input, caller) => {
    const created = await createApiToken(await getDb(), actorOf(caller), input);
    return created.ok ? { ok: true, secret: created.token } : created;
  });
}

export async function revokeTokenAction(_previous: FormState, form: FormData): Promise<FormState> {
  return guardedFormAction({ ...ADMIN_PAGE, schema: idParams }, form, async ({ id }, caller) => revokeApiToken(await getDb(), actorOf(caller), id));
}
