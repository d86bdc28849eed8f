import { getDb } from '@/db/client';
import { route, orThrow } from '@/lib/auth';
import { createConnection, listConnections } from '@/lib/connections';
import { connectionBody } from './schema';

export const GET = route({ role: 'admin' }, async () => Response.json({ connections: await listConnections(await getDb()) }));

/** Checks the credentials with the store before saving; they are never returned. */
export const POST = route({ role: 'admin', body: connectionBody }, async ({ caller, body }) => {
  const { connection } = orThrow(await createConnection(await getDb(), caller.userId, body));
  return Response.json({ connection }, { status: 201 });
});
