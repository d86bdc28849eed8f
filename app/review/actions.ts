'use server';

import { z } from 'zod';
import { getDb } from '@/db/client';
import { editorOf } from '@/lib/alt';
import { guardedFormAction } from '@/lib/auth';
import type { FormState } from '@/lib/auth';
import { resolveConflict } from '@/lib/connections';
import { integerFromString, MAX_DB_INTEGER, text } from '@/lib/text-input';

const conflictInput = z.object({
  connectionId: z.uuid('Not a connection id.'),
  remoteId: text().min(1).max(200),
  keep: z.enum(['loupe', 'store']),
  version: integerFromString(1, MAX_DB_INTEGER),
});

/** A person's pick in a store conflict, from the review page (works without JavaScript). */
export async function resolveConflictAction(_previous: FormState, form: FormData): Promise<FormState> {
  return guardedFormAction({ role: 'editor', schema: conflictInput, page: '/review' }, form, async (input, caller) =>
    resolveConflict(await getDb(), input, editorOf(caller)),
  );
}
