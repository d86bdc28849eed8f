'use server';

import { headers } from 'next/headers';
import { getDb } from '@/db/client';
import { clientAddress } from '@/lib/auth/client-address';
import { sessionFormAction } from '@/lib/auth/form-action';
import type { FormState } from '@/lib/auth/form-state';
import { signInInput } from '@/lib/auth/schemas';
import { signIn } from '@/lib/auth/signin';

/** The sign-in form: the same throttled check as POST /api/auth/signin. */
export async function signInAction(_previous: FormState, form: FormData): Promise<FormState> {
  return sessionFormAction(signInInput, form, async (input) => signIn(await getDb(), { ...input, address: clientAddress(await headers()) }));
}
