import Link from 'next/link';

const TABS = [
  { href: '/admin/users', label: 'Users and invites' },
  { href: '/admin/tokens', label: 'API tokens' },
  { href: '/admin/backfill', label: 'Backfill' },
  { href: '/admin/webhooks', label: 'Webhooks' },
  { href: '/admin/connections', label: 'Connections' },
  { href: '/admin/shares', label: 'Share links' },
  { href: '/admin/presets', label: 'Presets' },
] as const;

/** The admin sections; `current` is the one shown. */
export function AdminTabs({ current }: { current: (typeof TABS)[number]['href'] }) {
  return (
    <nav aria-label="Admin" className="flex flex-wrap gap-1 border-b border-neutral-200">
      {TABS.map((tab) => (
        <Link
          key={tab.href}
          href={tab.href}
          aria-current={tab.href === current ? 'page' : undefined}
          className={`-mb-px border-b-2 px-3 py-2 text-sm font-medium ${
            tab.href === current ? 'border-neutral-900 text-neutral-900' : 'border-transparent text-neutral-500 hover:text-neutral-900'
          }`}
        >
          {tab.label}
        </Link>
      ))}
    </nav>
  );
}
