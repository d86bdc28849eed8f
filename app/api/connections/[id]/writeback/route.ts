import { getDb } from '@/db/client';
import { route, orThrow } from '@/lib/auth';
import { requestWriteback } from '@/lib/connections';
import { connectionParams, writebackBody } from '../../schema';

/** Writes the approved texts of the matching photos (the library's filter) that the store does not hold yet. */
export const POST = route({ role: 'admin', params: connectionParams, body: writebackBody }, async ({ params, body }) => {
  const { queued } = orThrow(await requestWriteback(await getDb(), params.id, body.filter));
  return Response.json({ queued }, { status: 202 });
});
