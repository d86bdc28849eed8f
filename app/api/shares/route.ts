import { getDb } from '@/db/client';
import { appOrigin, orThrow, route } from '@/lib/auth';
import { createShare, listShares } from '@/lib/shares';
import { SHARE_MAX_BODY_BYTES, shareBody } from './schema';

export const dynamic = 'force-dynamic';

/** A share link to photos picked, matching a filter (frozen when made) or in a collection (live): `{id, url}`. */
export const POST = route({ role: 'editor', body: shareBody, maxBodyBytes: SHARE_MAX_BODY_BYTES }, async ({ request, body, caller }) => {
  const selection = body.ids ? { ids: body.ids } : body.filter ? { filter: body.filter } : { collection: body.collection ?? '' };
  const { share, url } = orThrow(await createShare(await getDb(), { selection, expiresAt: body.expiresAt, allowDownload: body.allowDownload }, caller, appOrigin(request.url)));
  return Response.json({ id: share.id, url, share }, { status: 201 });
});

/** Share links, newest first: every link for admins, one's own for everyone else. */
export const GET = route({ role: 'editor' }, async ({ caller }) => {
  return Response.json({ shares: await listShares(await getDb(), caller) });
});
