'use server';

import { headers } from 'next/headers';
import { getDb } from '@/db/client';
import { clientAddress, sessionFormAction, signInInput, signIn } from '@/lib/auth';
import type { FormState } from '@/lib/auth';

/** The sign-in form: the same throttled check as POST /api/auth/signin. */
export async function signInAction(_previous: FormState, form: FormData): Promise<FormState> {
  return sessionFormAction(signInInput, form, async (input) => signIn(await getDb(), { ...input, address: clientAddress(await headers()) }));
}
