import { getDb } from '@/db/client';
import { orThrow, route } from '@/lib/auth';
import { revokeShare } from '@/lib/shares';
import { shareParams } from '../schema';

export const dynamic = 'force-dynamic';

/** Revokes a share link at once: its page and ZIP answer 410 from now on. The maker or an admin may. */
export const DELETE = route({ role: 'editor', params: shareParams }, async ({ params, caller }) => {
  const { share } = orThrow(await revokeShare(await getDb(), caller, params.id));
  return Response.json(share);
});
