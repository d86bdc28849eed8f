import { getDb } from '@/db/client';
import { route, actorOf, orThrow, tokenInput, createApiToken, listApiTokens } from '@/lib/auth';

export const GET = route({ role: 'admin' }, async () => Response.json({ tokens: await listApiTokens(await getDb()) }));

/** The token is in this response only: Loupe keeps just its hash. */
export const POST = route({ role: 'admin', body: tokenInput }, async ({ caller, body }) => {
  const { apiToken, token } = orThrow(await createApiToken(await getDb(), actorOf(caller), body));
  return Response.json({ token, apiToken }, { status: 201 });
});
