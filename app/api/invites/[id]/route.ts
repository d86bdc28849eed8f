import { getDb } from '@/db/client';
import { route } from '@/lib/auth';
import { actorOf } from '@/lib/auth/actor';
import { revokeInvite } from '@/lib/auth/invites';
import { orThrow } from '@/lib/auth/result';
import { idParams } from '@/lib/auth/schemas';

export const DELETE = route({ role: 'admin', params: idParams }, async ({ caller, params }) => {
  orThrow(await revokeInvite(await getDb(), actorOf(caller), params.id));
  return new Response(null, { status: 204 });
});
