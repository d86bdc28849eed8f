import { getDb } from '@/db/client';
import { route, orThrow } from '@/lib/auth';
import { getConnection, listRuns } from '@/lib/connections';
import { connectionParams } from '../../schema';

/** The connection's log: syncs and writebacks, newest first, with counts and errors. */
export const GET = route({ role: 'admin', params: connectionParams }, async ({ params }) => {
  const db = await getDb();
  orThrow(await getConnection(db, params.id));
  return Response.json({ runs: await listRuns(db, params.id) });
});
