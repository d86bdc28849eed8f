import type { Metadata } from 'next';
import Link from 'next/link';
import { LibraryGrid } from '@/components/library/library-grid';
import { getDb } from '@/db/client';
import { PAGE_SIZE } from '@/components/library/assets-api';
import { listAssets } from '@/lib/assets';
import { requirePage, roleAllows } from '@/lib/auth';

export const metadata: Metadata = { title: 'Library' };

export default async function LibraryPage(props: { searchParams: Promise<{ denied?: string }> }) {
  const user = await requirePage('viewer');
  // requirePage sends a person whose role may not open a page here, with ?denied=1: say so rather than silently landing.
  const denied = (await props.searchParams).denied === '1';
  const firstPage = await listAssets(await getDb(), { limit: PAGE_SIZE });
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
      <LibraryGrid initial={{ items: firstPage.items, nextCursor: firstPage.nextCursor }} canUpload={canUpload} />
    </main>
  );
}
