import { getDb } from '@/db/client';
import { editorOf } from '@/lib/alt';
import { route } from '@/lib/auth';
import { ApiError } from '@/lib/errors';
import { runBulkAction } from '@/lib/library';
import { BULK_MAX_BODY_BYTES, bulkBody } from './schema';

export const dynamic = 'force-dynamic';

/** One bulk action on the assets picked (`ids`) or matching the library's filter (`filter`), answered per asset. */
export const POST = route({ role: 'editor', body: bulkBody, maxBodyBytes: BULK_MAX_BODY_BYTES }, async ({ body, caller }) => {
  const outcome = await runBulkAction(await getDb(), body, editorOf(caller));
  if (!outcome.ok) throw new ApiError('too_many_items', outcome.message, { matched: outcome.matched });
  return Response.json(outcome.summary);
});
