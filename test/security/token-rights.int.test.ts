import { describe, expect, it } from 'vitest';
import { GET as me } from '@/app/api/auth/me/route';
import { DELETE as revokeInviteRoute } from '@/app/api/invites/[id]/route';
import { GET as listTokens, POST as createTokenRoute } from '@/app/api/tokens/route';
import { DELETE as revokeTokenRoute } from '@/app/api/tokens/[id]/route';
import { PATCH as patchUser } from '@/app/api/users/[id]/route';
import { createInvite, createApiToken, updateUser } from '@/lib/auth';
import { call, makeAccount } from '@/test/auth';
import { useTestDatabase } from '@/test/db';

/** Issue 12, items 1 and 6: a token acts with no more than its creator's current rights. */
describe('API tokens and their creators', () => {
  const database = useTestDatabase();
  const db = () => database().db;
  const ownerActor = async () => {
    const owner = await makeAccount(db(), 'owner');
    return { owner, actor: { role: 'owner' as const, userId: owner.id } };
  };

  it('stops a deactivated admin’s token at once, so it cannot re-activate its creator', async () => {
    const { actor } = await ownerActor();
    const admin = await makeAccount(db(), 'admin');
    expect((await call(me, { bearer: admin.token })).status).toBe(200);
    expect((await updateUser(db(), actor, admin.id, { active: false })).ok).toBe(true);

    const refused = await call(me, { bearer: admin.token });
    expect(refused.status).toBe(401);
    const revived = await call(patchUser, { method: 'PATCH', bearer: admin.token, params: { id: admin.id }, body: { active: true } });
    expect(revived.status).toBe(401);
    expect((await call(me, { bearer: admin.token })).status).toBe(401);
  });

  it('acts with the creator’s current role after a demotion, however senior the token itself', async () => {
    const { actor } = await ownerActor();
    const admin = await makeAccount(db(), 'admin');
    expect((await call(listTokens, { bearer: admin.token })).status).toBe(200);
    expect((await updateUser(db(), actor, admin.id, { role: 'viewer' })).ok).toBe(true);

    const listed = await call(listTokens, { bearer: admin.token });
    expect(listed.status).toBe(403);
    expect((await listed.json()).error.message).toBe('This needs the admin role; you have viewer.');
    const minted = await call(createTokenRoute, { method: 'POST', bearer: admin.token, body: { name: 'escalate', role: 'admin' } });
    expect(minted.status).toBe(403);
    // Promoted back, the same token works again: the token never held more than its creator.
    expect((await updateUser(db(), actor, admin.id, { role: 'admin' })).ok).toBe(true);
    expect((await call(listTokens, { bearer: admin.token })).status).toBe(200);
  });

  it('keeps a server token (made by the CLI, no creator) at its own role, listed as made on the server', async () => {
    const server = await createApiToken(db(), { role: 'owner', userId: null }, { name: 'nightly import', role: 'editor' });
    if (!server.ok) throw new Error(server.message);
    const admin = await makeAccount(db(), 'admin');
    const answer = await call(me, { bearer: server.token });
    expect(answer.status).toBe(200);
    const listed = (await (await call(listTokens, { bearer: admin.token })).json()).tokens as { id: string; createdByName: string | null }[];
    expect(listed.find((t) => t.id === server.apiToken.id)?.createdByName).toBeNull();
  });

  it('lets only owners revoke owner tokens and server tokens (403 for an admin, token still live)', async () => {
    const { owner, actor } = await ownerActor();
    const admin = await makeAccount(db(), 'admin');
    const server = await createApiToken(db(), { role: 'owner', userId: null }, { name: 'backup job', role: 'viewer' });
    const ownerToken = await createApiToken(db(), actor, { name: 'owner script', role: 'owner' });
    if (!server.ok || !ownerToken.ok) throw new Error('token setup failed');

    for (const id of [ownerToken.apiToken.id, server.apiToken.id]) {
      const refused = await call(revokeTokenRoute, { method: 'DELETE', bearer: admin.token, params: { id } });
      expect(refused.status).toBe(403);
      expect((await refused.json()).error.message).toMatch(/^Only an owner can revoke an? (owner token|token made on the server)\.$/);
    }
    expect((await call(me, { bearer: ownerToken.token })).status).toBe(200);
    expect((await call(me, { bearer: server.token })).status).toBe(200);
    for (const id of [ownerToken.apiToken.id, server.apiToken.id]) {
      expect((await call(revokeTokenRoute, { method: 'DELETE', bearer: owner.token, params: { id } })).status).toBe(204);
    }
    expect((await call(me, { bearer: server.token })).status).toBe(401);
  });

  it('lets only owners revoke owner invites', async () => {
    const { owner, actor } = await ownerActor();
    const admin = await makeAccount(db(), 'admin');
    const invite = await createInvite(db(), actor, { email: 'next-owner@example.com', role: 'owner', expiresInDays: 7 });
    if (!invite.ok) throw new Error(invite.message);
    const refused = await call(revokeInviteRoute, { method: 'DELETE', bearer: admin.token, params: { id: invite.invite.id } });
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.message).toBe('Only an owner can revoke an owner invite.');
    expect((await call(revokeInviteRoute, { method: 'DELETE', bearer: owner.token, params: { id: invite.invite.id } })).status).toBe(204);
  });
});
