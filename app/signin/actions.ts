'use server';

import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import { setSessionCookie } from '@/lib/auth/action-session';
import { clientAddress } from '@/lib/auth/client-address';
import { formAction, parseForm } from '@/lib/auth/form-action';
import type { FormState } from '@/lib/auth/form-state';
import { assertActionOrigin } from '@/lib/auth/guard';
import { signInInput } from '@/lib/auth/schemas';
import { signIn } from '@/lib/auth/signin';

/** The sign-in form: the same throttled check as POST /api/auth/signin. */
export async function signInAction(_previous: FormState, form: FormData): Promise<FormState> {
  const outcome = await formAction(async () => {
    await assertActionOrigin();
    const input = parseForm(signInInput, form);
    if (!input.ok) return { error: input.message };
    const signedIn = await signIn(await getDb(), { ...input.data, address: clientAddress(await headers()) });
    if (!signedIn.ok) return { error: signedIn.message };
    await setSessionCookie(signedIn.session);
    return { error: null };
  });
  if (outcome.error === null) redirect('/');
  return outcome;
}
