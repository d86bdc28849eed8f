import { getDb } from '@/db/client';
import { route, SESSION_COOKIE, jsonWithCookie, isSecureRequest, clearedSessionCookie, deleteSession, readCookie } from '@/lib/auth';

/** Public, so an already-ended session can still sign out cleanly: deletes the session row and the cookie. */
export const POST = route({ role: 'public' }, async ({ request }) => {
  const token = readCookie(request, SESSION_COOKIE);
  if (token) await deleteSession(await getDb(), token);
  return jsonWithCookie({ signedOut: true }, clearedSessionCookie(isSecureRequest(request.headers, request.url)));
});
