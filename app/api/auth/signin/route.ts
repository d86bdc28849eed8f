import { getDb } from '@/db/client';
import { route, clientAddress, orThrow, signInInput, jsonWithCookie, isSecureRequest, sessionCookie, signIn } from '@/lib/auth';

/** Public: email and password in, session cookie out; throttled per account and per address (429 locked_out). */
export const POST = route({ role: 'public', body: signInInput }, async ({ request, body }) => {
  const signedIn = orThrow(await signIn(await getDb(), { ...body, address: clientAddress(request.headers) }));
  const cookie = sessionCookie(signedIn.session, isSecureRequest(request.headers, request.url));
  return jsonWithCookie({ userId: signedIn.userId, expiresAt: signedIn.session.expiresAt }, cookie);
});
