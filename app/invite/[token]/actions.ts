'use server';

import { getDb } from '@/db/client';
import { sessionFormAction, acceptInvite, acceptInviteInput } from '@/lib/auth';
import type { FormState } from '@/lib/auth';

/** Uses the invite up, creates the account with the invite's email and role, and signs the new user in. */
export async function joinAction(_previous: FormState, form: FormData): Promise<FormState> {
  return sessionFormAction(acceptInviteInput, form, async (input) => acceptInvite(await getDb(), input));
}
