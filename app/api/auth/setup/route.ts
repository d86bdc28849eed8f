import { getDb } from '@/db/client';
import { route, createOwner, orThrow, setupInput, jsonWithCookie, isSecureRequest, sessionCookie } from '@/lib/auth';

/** Public only while no owner exists: creates the owner and signs them in; afterwards 409 setup_complete. */
export const POST = route({ role: 'public', body: setupInput }, async ({ request, body }) => {
  const created = orThrow(await createOwner(await getDb(), body));
  const cookie = sessionCookie(created.session, isSecureRequest(request.headers, request.url));
  return jsonWithCookie({ user: { id: created.userId, name: body.name, email: body.email, role: 'owner' } }, cookie, { status: 201 });
});
