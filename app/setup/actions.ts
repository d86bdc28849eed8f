'use server';

import { getDb } from '@/db/client';
import { sessionFormAction } from '@/lib/auth/form-action';
import type { FormState } from '@/lib/auth/form-state';
import { createOwner } from '@/lib/auth/owner-setup';
import { setupInput } from '@/lib/auth/schemas';

/** Creates the owner and signs them in; refused (with the API's message) once an owner exists. */
export async function setupAction(_previous: FormState, form: FormData): Promise<FormState> {
  return sessionFormAction(setupInput, form, async (input) => createOwner(await getDb(), input));
}
