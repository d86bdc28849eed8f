import type { Metadata } from 'next';
import { ModelCheckNotice } from '@/components/alt';
import { EmbeddingModelNotice } from '@/components/search/embedding-notice';
import { getDb } from '@/db/client';
import { cachedModelCheck, configuredVisionProvider } from '@/lib/alt';
import { requirePage, listPendingInvites, listUsers } from '@/lib/auth';
import { embeddingAvailability } from '@/lib/embed';
import { videoToolVersions } from '@/lib/ingest';
import { AdminTabs } from '../admin-tabs';
import { MediaToolsNotice } from '../media-tools';
import { formatDate } from '@/lib/words';
import { InviteForm } from './invite-form';
import { RevokeInviteButton } from './revoke-invite-button';
import { UsersTable } from './users-table';

export const metadata: Metadata = { title: 'Users' };

export default async function AdminUsersPage() {
  const caller = await requirePage('admin');
  const db = await getDb();
  const [users, invites, embedding, mediaTools] = await Promise.all([listUsers(db), listPendingInvites(db), embeddingAvailability(db), videoToolVersions()]);
  return (
    <main className="flex flex-col gap-6">
      <h1 className="text-2xl font-semibold tracking-tight">Admin</h1>
      <AdminTabs current="/admin/users" />
      <ModelCheckNotice check={await cachedModelCheck(configuredVisionProvider())} />
      <EmbeddingModelNotice availability={embedding} />
      <MediaToolsNotice versions={mediaTools} />
      <InviteForm actorRole={caller.role} />
      <section aria-labelledby="users-heading" className="rounded-lg border border-neutral-200 bg-white p-4">
        <h2 id="users-heading" className="mb-2 text-base font-semibold">
          Users
        </h2>
        <UsersTable users={users} actor={caller} />
      </section>
      <section aria-labelledby="invites-heading" className="rounded-lg border border-neutral-200 bg-white p-4">
        <h2 id="invites-heading" className="mb-2 text-base font-semibold">
          Pending invites
        </h2>
        {invites.length === 0 ? (
          <p className="text-sm text-neutral-500">No pending invites.</p>
        ) : (
          <ul className="divide-y divide-neutral-100 text-sm">
            {invites.map((invite) => (
              <li key={invite.id} className="flex items-center justify-between gap-4 py-2">
                <span>
                  <span className="font-medium">{invite.email}</span> as <span className="capitalize">{invite.role}</span>
                  <span className="ml-2 text-neutral-500">expires {formatDate(invite.expiresAt)}</span>
                </span>
                <RevokeInviteButton inviteId={invite.id} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </main>
  );
}
