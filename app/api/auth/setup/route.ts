import { getDb } from '@/db/client';
import { route } from '@/lib/auth';
import { createOwner } from '@/lib/auth/owner-setup';
import { orThrow } from '@/lib/auth/result';
import { setupInput } from '@/lib/auth/schemas';
import { jsonWithCookie } from '@/lib/auth/session-response';
import { isSecureRequest } from '@/lib/auth/secure-request';
import { sessionCookie } from '@/lib/auth/sessions';

/** Public only while no owner exists: creates the owner and signs them in; afterwards 409 setup_complete. */
export const POST = route({ role: 'public', body: setupInput }, async ({ request, body }) => {
  const created = orThrow(await createOwner(await getDb(), body));
  const cookie = sessionCookie(created.session, isSecureRequest(request.headers, request.url));
  return jsonWithCookie({ user: { id: created.userId, name: body.name, email: body.email, role: 'owner' } }, cookie, { status: 201 });
});
