import type { Metadata } from 'next';
import { AuthCard } from '@/components/auth/auth-card';
import { FormAlert } from '@/components/auth/form-alert';
import { getDb } from '@/db/client';
import { findInvite } from '@/lib/auth';
import { JoinForm } from './join-form';

/**
 * The token in this page's address is sent to no other site (as a Referer), while the join form, posted by the
 * browser itself when JavaScript is off, keeps its Origin: under no-referrer that would be `null`, and Next
 * refuses a server action from origin null.
 */
export const metadata: Metadata = { title: 'Join', referrer: 'same-origin' };

/** Public: the unguessable token in the link is the credential. A used, revoked or expired link says so. */
export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invite = await findInvite(await getDb(), token);
  if (!invite.ok) {
    return (
      <AuthCard title="Invite link not valid">
        <FormAlert message={invite.message} />
      </AuthCard>
    );
  }
  return (
    <AuthCard
      title="Join Loupe"
      intro={
        <>
          You were invited as <span className="font-medium text-neutral-900">{invite.email}</span> with the{' '}
          <span className="font-medium text-neutral-900">{invite.role}</span> role.
        </>
      }
    >
      <JoinForm token={token} />
    </AuthCard>
  );
}
