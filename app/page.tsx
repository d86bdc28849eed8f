import type { Metadata } from 'next';
import Link from 'next/link';
import { LibraryGrid } from '@/components/library/library-grid';
import { PAGE_SIZE } from '@/components/library/assets-api';
import { getDb } from '@/db/client';
import { countLibrary, listAssets } from '@/lib/assets';
import { requirePage, roleAllows } from '@/lib/auth';

export const metadata: Metadata = { title: 'Library' };

export default async function LibraryPage(props: { searchParams: Promise<{ denied?: string; state?: string }> }) {
  const user = await requirePage('viewer');
  const searchParams = await props.searchParams;
  // requirePage sends a person whose role may not open a page here, with ?denied=1: say so rather than silently landing.
  const denied = searchParams.denied === '1';
  // Like the other pages' filters, the filter lives in the address; anything but a known one shows every photo.
  const filter = searchParams.state === 'failed' ? 'failed' : null;
  const [firstPage, counts] = await Promise.all([listAssets({ limit: PAGE_SIZE, state: filter ?? undefined }), countLibrary(await getDb())]);
  // Without a cursor there is nothing to get wrong; a failure here is a bug, and the error page says so.
  if (!firstPage.ok) throw new Error(firstPage.message);
  const canUpload = roleAllows(user.role, 'editor');
  return (
    <main className="flex flex-col gap-5">
      {denied && (
        <p role="alert" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          That page needs a role above yours ({user.role}), so you were brought to the library. Ask an admin if you need it.
        </p>
      )}
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Library</h1>
          <p className="text-sm text-neutral-600">Every photo, newest first.</p>
        </div>
        <div className="flex flex-wrap gap-2">
          <Link href="/export" className="rounded-md border border-neutral-300 bg-white px-4 py-2 text-sm font-medium shadow-sm hover:bg-neutral-100">
            Export
          </Link>
          {canUpload && (
            <>
              <Link href="/import" className="rounded-md border border-neutral-300 bg-white px-4 py-2 text-sm font-medium shadow-sm hover:bg-neutral-100">
                Import CSV
              </Link>
              <Link href="/upload" className="rounded-md bg-neutral-900 px-4 py-2 text-sm font-medium text-white shadow-sm hover:bg-neutral-700">
                Upload photos
              </Link>
            </>
          )}
        </div>
      </div>
      <nav aria-label="Filter the library" className="flex flex-wrap gap-2 text-sm">
        <FilterLink href="/" current={filter === null}>
          All photos ({counts.all})
        </FilterLink>
        <FilterLink href="/?state=failed" current={filter === 'failed'}>
          Failed ({counts.failed})
        </FilterLink>
      </nav>
      <LibraryGrid key={filter ?? 'all'} initial={{ items: firstPage.items, nextCursor: firstPage.nextCursor }} canUpload={canUpload} filter={filter} />
    </main>
  );
}

function FilterLink({ href, current, children }: { href: string; current: boolean; children: React.ReactNode }) {
  return (
    <Link
      href={href}
      aria-current={current ? 'page' : undefined}
      className={`rounded-full border px-3 py-1 font-medium ${current ? 'border-neutral-900 bg-neutral-900 text-white' : 'border-neutral-300 bg-white hover:bg-neutral-100'}`}
    >
      {children}
    </Link>
  );
}
