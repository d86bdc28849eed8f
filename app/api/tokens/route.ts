import { getDb } from '@/db/client';
import { route } from '@/lib/auth';
import { actorOf } from '@/lib/auth/actor';
import { orThrow } from '@/lib/auth/result';
import { tokenInput } from '@/lib/auth/schemas';
import { createApiToken, listApiTokens } from '@/lib/auth/tokens';

export const GET = route({ role: 'admin' }, async () => Response.json({ tokens: await listApiTokens(await getDb()) }));

/** The token is in this response only: Loupe keeps just its hash. */
export const POST = route({ role: 'admin', body: tokenInput }, async ({ caller, body }) => {
  const { apiToken, token } = orThrow(await createApiToken(await getDb(), actorOf(caller), body));
  return Response.json({ token, apiToken }, { status: 201 });
});
