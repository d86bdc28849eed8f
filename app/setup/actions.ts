'use server';

import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import { setSessionCookie } from '@/lib/auth/action-session';
import { formAction, parseForm } from '@/lib/auth/form-action';
import type { FormState } from '@/lib/auth/form-state';
import { assertActionOrigin } from '@/lib/auth/guard';
import { createOwner } from '@/lib/auth/owner-setup';
import { setupInput } from '@/lib/auth/schemas';

/** Creates the owner and signs them in; refused (with the API's message) once an owner exists. */
export async function setupAction(_previous: FormState, form: FormData): Promise<FormState> {
  const outcome = await formAction(async () => {
    await assertActionOrigin();
    const input = parseForm(setupInput, form);
    if (!input.ok) return { error: input.message };
    const created = await createOwner(await getDb(), input.data);
    if (!created.ok) return { error: created.message };
    await setSessionCookie(created.session);
    return { error: null };
  });
  // Outside formAction: redirect() works by throwing, and only a success should leave the page.
  if (outcome.error === null) redirect('/');
  return outcome;
}
