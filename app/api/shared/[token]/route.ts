import { getDb } from '@/db/client';
import { clientAddress, orThrow, route } from '@/lib/auth';
import { openShare, sharedPage } from '@/lib/shares';
import { getStorage } from '@/lib/storage';
import { sharedParams, sharedQuery } from '../../shares/schema';

export const dynamic = 'force-dynamic';

/**
 * Public: the token is the credential. What a share link shows, a page at a time: its photos' images and alt
 * text (and their downloads when allowed). A wrong token is 404 (rate-limited per address), a revoked or
 * expired one 410.
 */
export const GET = route({ role: 'public', params: sharedParams, query: sharedQuery }, async ({ request, params, query }) => {
  const db = await getDb();
  const { share } = orThrow(await openShare(db, params.token, clientAddress(request.headers)));
  return Response.json(await sharedPage(db, await getStorage(), share, query.page), { headers: { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' } });
});
