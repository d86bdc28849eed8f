import { getDb } from '@/db/client';
import { route } from '@/lib/auth';
import { clientAddress } from '@/lib/auth/client-address';
import { orThrow } from '@/lib/auth/result';
import { signInInput } from '@/lib/auth/schemas';
import { jsonWithCookie } from '@/lib/auth/session-response';
import { isSecureRequest } from '@/lib/auth/secure-request';
import { sessionCookie } from '@/lib/auth/sessions';
import { signIn } from '@/lib/auth/signin';

/** Public: email and password in, session cookie out; throttled per account and per address (429 locked_out). */
export const POST = route({ role: 'public', body: signInInput }, async ({ request, body }) => {
  const signedIn = orThrow(await signIn(await getDb(), { ...body, address: clientAddress(request.headers) }));
  const cookie = sessionCookie(signedIn.session, isSecureRequest(request.headers, request.url));
  return jsonWithCookie({ userId: signedIn.userId, expiresAt: signedIn.session.expiresAt }, cookie);
});
