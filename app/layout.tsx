import type { Metadata } from 'next';
import { cookies } from 'next/headers';
import { AppShell } from '@/components/shell/app-shell';
import { getDb } from '@/db/client';
import { callerFromSession, SESSION_COOKIE } from '@/lib/auth';
import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Loupe', template: '%s · Loupe' },
  description: 'Alt text and semantic search for catalogue photos',
  icons: { icon: { url: '/favicon.svg', type: 'image/svg+xml' } },
};

/** Signed-in pages get the app shell; setup, sign-in and invite pages render bare. Pages still guard themselves. */
export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // No cookie, no database: the bare pages (and the build) must not open it just to learn nobody is signed in.
  const session = (await cookies()).get(SESSION_COOKIE)?.value;
  const caller = session ? await callerFromSession(await getDb(), session) : null;
  const user = caller?.kind === 'user' ? caller : null;
  return (
    <html lang="en">
      <body className="min-h-screen bg-neutral-50 text-neutral-900 antialiased">
        {user ? <AppShell user={{ name: user.name, role: user.role }}>{children}</AppShell> : children}
      </body>
    </html>
  );
}
