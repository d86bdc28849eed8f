import type { Metadata } from 'next';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { AuthCard } from '@/components/auth/auth-card';
import { getDb } from '@/db/client';
import { callerFromSession, hasOwner, SESSION_COOKIE } from '@/lib/auth';
import { SignInForm } from './signin-form';

export const metadata: Metadata = { title: 'Sign in' };

/** Public. Before setup it leads to /setup; someone already signed in goes to the library. */
export default async function SignInPage() {
  const db = await getDb();
  if (!(await hasOwner(db))) redirect('/setup');
  if (await callerFromSession(db, (await cookies()).get(SESSION_COOKIE)?.value)) redirect('/');
  return (
    <AuthCard title="Sign in" intro="New here? Ask an admin for an invite link.">
      <SignInForm />
    </AuthCard>
  );
}
