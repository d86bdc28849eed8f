'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

/** A top-level nav link that marks itself current for its own section (so /assets/x keeps "Library" lit). */
export function NavLink({ href, children, matches }: { href: string; children: React.ReactNode; matches?: string[] }) {
  const pathname = usePathname();
  const prefixes = [href, ...(matches ?? [])];
  const current = prefixes.some((prefix) => (prefix === '/' ? pathname === '/' : pathname === prefix || pathname.startsWith(`${prefix}/`)));
  return (
    <Link
      href={href}
      aria-current={current ? 'page' : undefined}
      className={`rounded-md px-3 py-1.5 text-sm font-medium transition-colors ${
        current ? 'bg-neutral-900 text-white' : 'text-neutral-600 hover:bg-neutral-200 hover:text-neutral-900'
      }`}
    >
      {children}
    </Link>
  );
}
