import Link from 'next/link';
import { SignOutButton } from '@/components/auth/sign-out-button';
import { roleAllows, type Role } from '@/lib/auth';
import { NavLink } from './nav-link';

export interface ShellUser {
  name: string;
  role: Role;
}

/** The frame around every signed-in page: brand, sections the user's role may open, who is signed in. */
export function AppShell({ user, children }: { user: ShellUser; children: React.ReactNode }) {
  const canUpload = roleAllows(user.role, 'editor');
  const canAdmin = roleAllows(user.role, 'admin');
  return (
    <div className="flex min-h-screen flex-col">
      {/* The first thing Tab reaches: past the navigation, straight to the page's own content. */}
      <a
        href="#content"
        className="sr-only focus:not-sr-only focus:fixed focus:left-3 focus:top-3 focus:z-50 focus:rounded-md focus:bg-neutral-900 focus:px-3 focus:py-2 focus:text-sm focus:font-medium focus:text-white"
      >
        Skip to content
      </a>
      <header className="sticky top-0 z-20 border-b border-neutral-200 bg-white/95 backdrop-blur">
        {/* On phones the nav takes its own row under brand and sign-out, so nothing is pushed off screen (320 px and up). */}
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-6 gap-y-1 px-4 py-2 sm:h-14 sm:flex-nowrap sm:px-6 sm:py-0">
          <Link href="/" className="flex items-center gap-2 text-base font-semibold tracking-tight">
            <span aria-hidden className="inline-block h-5 w-5 rounded-full border-[3px] border-neutral-900" />
            Loupe
          </Link>
          <nav aria-label="Main" className="order-last flex w-full min-w-0 flex-wrap items-center gap-1 sm:order-none sm:w-auto">
            <NavLink href="/" matches={['/assets']}>
              Library
            </NavLink>
            {canUpload && <NavLink href="/upload">Upload</NavLink>}
            <NavLink href="/search">Search</NavLink>
            {canUpload && <NavLink href="/review">Review</NavLink>}
            {canUpload && <NavLink href="/coverage">Coverage</NavLink>}
            {canUpload && <NavLink href="/trash">Trash</NavLink>}
            {canAdmin && <NavLink href="/admin/users" matches={['/admin']}>Admin</NavLink>}
          </nav>
          <div className="ml-auto flex items-center gap-3 text-sm">
            <span className="hidden text-neutral-600 sm:inline">
              <span className="font-medium text-neutral-900">{user.name}</span>
              <span className="ml-1.5 rounded bg-neutral-100 px-1.5 py-0.5 text-xs capitalize text-neutral-600">{user.role}</span>
            </span>
            <SignOutButton />
          </div>
        </div>
      </header>
      <div id="content" tabIndex={-1} className="mx-auto w-full max-w-7xl flex-1 scroll-mt-28 px-4 py-6 focus:outline-none sm:px-6">
        {children}
      </div>
    </div>
  );
}
