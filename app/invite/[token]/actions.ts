'use server';

import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import { setSessionCookie } from '@/lib/auth/action-session';
import { formAction, parseForm } from '@/lib/auth/form-action';
import type { FormState } from '@/lib/auth/form-state';
import { assertActionOrigin } from '@/lib/auth/guard';
import { acceptInvite } from '@/lib/auth/invites';
import { acceptInviteInput } from '@/lib/auth/schemas';

/** Uses the invite up, creates the account with the invite's email and role, and signs the new user in. */
export async function joinAction(_previous: FormState, form: FormData): Promise<FormState> {
  const outcome = await formAction(async () => {
    await assertActionOrigin();
    const input = parseForm(acceptInviteInput, form);
    if (!input.ok) return { error: input.message };
    const joined = await acceptInvite(await getDb(), input.data);
    if (!joined.ok) return { error: joined.message };
    await setSessionCookie(joined.session);
    return { error: null };
  });
  if (outcome.error === null) redirect('/');
  return outcome;
}
