'use server';

import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import { clearSessionCookie } from './action-session';
import { assertActionOrigin } from './guard';
import { deleteSession } from './sessions';

/** Deletes this browser's session (server-side, so the cookie is useless even if copied) and goes to sign-in. */
export async function signOutAction(): Promise<void> {
  await assertActionOrigin();
  const token = await clearSessionCookie();
  if (token) await deleteSession(await getDb(), token);
  redirect('/signin');
}
