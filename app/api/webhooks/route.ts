import { getDb } from '@/db/client';
import { route, orThrow } from '@/lib/auth';
import { createEndpoint, listEndpoints } from '@/lib/webhooks';
import { webhookBody } from './schema';

export const GET = route({ role: 'admin' }, async () => Response.json({ endpoints: await listEndpoints(await getDb()) }));

/** The signing secret is in this response only. */
export const POST = route({ role: 'admin', body: webhookBody }, async ({ caller, body }) => {
  const { endpoint, secret } = orThrow(await createEndpoint(await getDb(), caller.userId, body));
  return Response.json({ endpoint, secret }, { status: 201 });
});
