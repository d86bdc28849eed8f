'use server';

import { getDb } from '@/db/client';
import { sessionFormAction, createOwner, setupInput } from '@/lib/auth';
import type { FormState } from '@/lib/auth';

/** Creates the owner and signs them in; refused (with the API's message) once an owner exists. */
export async function setupAction(_previous: FormState, form: FormData): Promise<FormState> {
  return sessionFormAction(setupInput, form, async (input) => createOwner(await getDb(), input));
}
