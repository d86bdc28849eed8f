import { getDb } from '@/db/client';
import { route } from '@/lib/auth';
import { restoreFromTrash } from '@/lib/library';
import { RESTORE_MAX_BODY_BYTES, restoreBody } from '../schema';

export const dynamic = 'force-dynamic';

/** Takes assets out of the trash, back into the library, answered per asset. */
export const POST = route({ role: 'editor', body: restoreBody, maxBodyBytes: RESTORE_MAX_BODY_BYTES }, async ({ body }) => {
  const results = await restoreFromTrash(await getDb(), body.ids);
  return Response.json({ results, restored: results.filter((result) => result.outcome === 'ok').length });
});
