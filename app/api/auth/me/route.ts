import { route } from '@/lib/auth';

/** Who the caller is: a user (session) or an API token, with its role. */
export const GET = route({ role: 'viewer' }, async ({ caller }) => {
  const me =
    caller.kind === 'user'
      ? { kind: caller.kind, id: caller.userId, name: caller.name, email: caller.email, role: caller.role }
      : { kind: caller.kind, id: caller.tokenId, name: caller.name, role: caller.role };
  return Response.json({ caller: me });
});
