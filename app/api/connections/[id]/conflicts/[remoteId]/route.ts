import { getDb } from '@/db/client';
import { editorOf } from '@/lib/alt';
import { route, orThrow } from '@/lib/auth';
import { resolveConflict } from '@/lib/connections';
import { conflictBody, remoteParams } from '../../../schema';

/** Decide a conflict: keep Loupe's text (written to the store) or take the store's (approved by you, source shop). */
export const POST = route({ role: 'editor', params: remoteParams, body: conflictBody }, async ({ params, body, caller }) => {
  const { queued } = orThrow(await resolveConflict(await getDb(), { connectionId: params.id, remoteId: params.remoteId, keep: body.keep, version: body.version }, editorOf(caller)));
  return Response.json({ queued });
});
