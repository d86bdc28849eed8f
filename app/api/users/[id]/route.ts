import { getDb } from '@/db/client';
import { route, actorOf, orThrow, idParams, userUpdateInput, updateUser } from '@/lib/auth';

/** Change a user's role and/or deactivate (active: false) or reactivate them. */
export const PATCH = route({ role: 'admin', params: idParams, body: userUpdateInput }, async ({ caller, params, body }) => {
  const { user } = orThrow(await updateUser(await getDb(), actorOf(caller), params.id, body));
  return Response.json({ user });
});
