import { getDb } from '@/db/client';
import { route, orThrow } from '@/lib/auth';
import { requestSync } from '@/lib/connections';
import { connectionParams } from '../../schema';

/** Queues a sync; it runs in the background and shows in the connection's log (the run answered here). */
export const POST = route({ role: 'admin', params: connectionParams }, async ({ params }) => {
  const { run } = orThrow(await requestSync(await getDb(), params.id));
  return Response.json({ run }, { status: 202 });
});
