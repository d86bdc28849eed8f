import { getDb } from '@/db/client';
import { route, orThrow } from '@/lib/auth';
import { undoRun } from '@/lib/connections';
import { runParams, undoBody } from '../../../../schema';

/** Puts back in the store the texts a writeback run replaced (all, or the listed store images). */
export const POST = route({ role: 'admin', params: runParams, body: undoBody }, async ({ params, body }) => {
  const { queued } = orThrow(await undoRun(await getDb(), params.id, params.runId, body.remoteIds));
  return Response.json({ queued }, { status: 202 });
});
