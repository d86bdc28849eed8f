import { getDb } from '@/db/client';
import { route } from '@/lib/auth';
import { actorOf } from '@/lib/auth/actor';
import { orThrow } from '@/lib/auth/result';
import { idParams, userUpdateInput } from '@/lib/auth/schemas';
import { updateUser } from '@/lib/auth/users';

/** Change a user's role and/or deactivate (active: false) or reactivate them. */
export const PATCH = route({ role: 'admin', params: idParams, body: userUpdateInput }, async ({ caller, params, body }) => {
  const { user } = orThrow(await updateUser(await getDb(), actorOf(caller), params.id, body));
  return Response.json({ user });
});
