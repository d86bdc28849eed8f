import { getDb } from '@/db/client';
import { route, SESSION_COOKIE } from '@/lib/auth';
import { jsonWithCookie } from '@/lib/auth/session-response';
import { isSecureRequest } from '@/lib/auth/secure-request';
import { clearedSessionCookie, deleteSession } from '@/lib/auth/sessions';
import { readCookie } from '@/lib/auth/guard';

/** Public, so an already-ended session can still sign out cleanly: deletes the session row and the cookie. */
export const POST = route({ role: 'public' }, async ({ request }) => {
  const token = readCookie(request, SESSION_COOKIE);
  if (token) await deleteSession(await getDb(), token);
  return jsonWithCookie({ signedOut: true }, clearedSessionCookie(isSecureRequest(request.headers, request.url)));
});
