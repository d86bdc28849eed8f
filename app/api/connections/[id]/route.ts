import { getDb } from '@/db/client';
import { route, orThrow } from '@/lib/auth';
import { deleteConnection, getConnection, updateConnection } from '@/lib/connections';
import { connectionParams, connectionUpdateBody } from '../schema';

export const GET = route({ role: 'admin', params: connectionParams }, async ({ params }) => {
  const { connection } = orThrow(await getConnection(await getDb(), params.id));
  return Response.json({ connection });
});

/** Rename, change the writeback mode, pause or resume, or replace the credentials (checked with the store first). */
export const PATCH = route({ role: 'admin', params: connectionParams, body: connectionUpdateBody }, async ({ params, body }) => {
  const { connection } = orThrow(await updateConnection(await getDb(), params.id, body));
  return Response.json({ connection });
});

/** Forgets the store (its links and log); the photos stay in the library and the store itself is not touched. */
export const DELETE = route({ role: 'admin', params: connectionParams }, async ({ params }) => {
  orThrow(await deleteConnection(await getDb(), params.id));
  return new Response(null, { status: 204 });
});
