import { getDb } from '@/db/client';
import { inviteAndEmail, route, actorOf, appOrigin, listPendingInvites, orThrow, inviteInput } from '@/lib/auth';

export const GET = route({ role: 'admin' }, async () => Response.json({ invites: await listPendingInvites(await getDb()) }));

/**
 * The link is in this response only: Loupe keeps just its hash. With SMTP_URL set it is also emailed to the
 * invitee; `email` says whether that worked (the invite stands either way).
 */
export const POST = route({ role: 'admin', body: inviteInput }, async ({ request, caller, body }) => {
  const { invite, url, email } = orThrow(await inviteAndEmail(await getDb(), actorOf(caller), body, appOrigin(request.url)));
  return Response.json({ invite, url, email }, { status: 201 });
});
