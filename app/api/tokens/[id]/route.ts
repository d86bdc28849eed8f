import { getDb } from '@/db/client';
import { route } from '@/lib/auth';
import { actorOf } from '@/lib/auth/actor';
import { orThrow } from '@/lib/auth/result';
import { idParams } from '@/lib/auth/schemas';
import { revokeApiToken } from '@/lib/auth/tokens';

export const DELETE = route({ role: 'admin', params: idParams }, async ({ caller, params }) => {
  orThrow(await revokeApiToken(await getDb(), actorOf(caller), params.id));
  return new Response(null, { status: 204 });
});
