'use server';

import { getDb } from '@/db/client';
import { guardedFormAction, idParams } from '@/lib/auth';
import type { FormState } from '@/lib/auth';
import { revokeShare } from '@/lib/shares';

export async function revokeShareAction(_previous: FormState, form: FormData): Promise<FormState> {
  return guardedFormAction({ role: 'admin', page: '/admin/shares', schema: idParams }, form, async ({ id }, caller) => revokeShare(await getDb(), caller, id));
}
