import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { AuthCard } from '@/components/auth/auth-card';
import { getDb } from '@/db/client';
import { hasOwner } from '@/lib/auth';
import { SetupForm } from './setup-form';

export const metadata: Metadata = { title: 'Set up' };

/** Public only until the owner exists; from then on it sends everyone to sign-in. */
export default async function SetupPage() {
  if (await hasOwner(await getDb())) redirect('/signin');
  return (
    <AuthCard title="Set up Loupe" intro="Create the owner account. The owner manages users, roles and API tokens.">
      <SetupForm />
    </AuthCard>
  );
}
