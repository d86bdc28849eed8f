import type { Metadata } from 'next';
import Link from 'next/link';
import { requirePage, ROLES_BY_RANK, type Role } from '@/lib/auth';

export const metadata: Metadata = { title: 'Not for your role' };

/**
 * Where requirePage sends a person whose role may not open a page: it says which role that page needs and
 * which one they have. It asks only for a viewer itself, so it can never send anyone round in a loop.
 */
export default async function DeniedPage(props: { searchParams: Promise<{ need?: string }> }) {
  const user = await requirePage('viewer');
  const asked = (await props.searchParams).need;
  const need = ROLES_BY_RANK.find((role): role is Role => role === asked);
  return (
    <main className="mx-auto flex max-w-xl flex-col items-start gap-3 rounded-xl border border-neutral-200 bg-white p-6 shadow-sm">
      <h1 className="text-xl font-semibold">{need ? `You need the ${need} role to open this page` : 'Your role cannot open that page'}</h1>
      <p className="text-sm text-neutral-700">
        You are signed in as {user.name} with the {user.role} role. Ask an admin of this Loupe if you need {need ? `the ${need} role` : 'more access'}.
      </p>
      <Link href="/" className="rounded-md bg-neutral-900 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-neutral-700">
        Back to the library
      </Link>
    </main>
  );
}
