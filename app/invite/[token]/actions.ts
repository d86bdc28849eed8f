'use server';

import { getDb } from '@/db/client';
import { sessionFormAction } from '@/lib/auth/form-action';
import type { FormState } from '@/lib/auth/form-state';
import { acceptInvite } from '@/lib/auth/invites';
import { acceptInviteInput } from '@/lib/auth/schemas';

/** Uses the invite up, creates the account with the invite's email and role, and signs the new user in. */
export async function joinAction(_previous: FormState, form: FormData): Promise<FormState> {
  return sessionFormAction(acceptInviteInput, form, async (input) => acceptInvite(await getDb(), input));
}
