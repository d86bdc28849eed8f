import { getDb } from '@/db/client';
import { route, actorOf, orThrow, idParams, revokeApiToken } from '@/lib/auth';

export const DELETE = route({ role: 'admin', params: idParams }, async ({ caller, params }) => {
  orThrow(await revokeApiToken(await getDb(), actorOf(caller), params.id));
  return new Response(null, { status: 204 });
});
