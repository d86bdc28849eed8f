import { getDb } from '@/db/client';
import { route } from '@/lib/auth';
import { actorOf } from '@/lib/auth/actor';
import { appOrigin } from '@/lib/auth/app-origin';
import { createInvite, invitePath, listPendingInvites } from '@/lib/auth/invites';
import { orThrow } from '@/lib/auth/result';
import { inviteInput } from '@/lib/auth/schemas';

export const GET = route({ role: 'admin' }, async () => Response.json({ invites: await listPendingInvites(await getDb()) }));

/** The link is in this response only: Loupe keeps just its hash. */
export const POST = route({ role: 'admin', body: inviteInput }, async ({ request, caller, body }) => {
  const { invite, token } = orThrow(await createInvite(await getDb(), actorOf(caller), body));
  return Response.json({ invite, url: appOrigin(request.url) + invitePath(token) }, { status: 201 });
});
