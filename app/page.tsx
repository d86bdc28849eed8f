import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/db/client';
import { LibraryFilters } from '@/components/library/library-filters';
import { LibraryGrid } from '@/components/library/library-grid';
import { PAGE_SIZE } from '@/components/library/assets-api';
import { countLibrary, listAssets } from '@/lib/assets';
import { filterParams, filterSchema, type AssetFilter } from '@/lib/filters';
import { requirePage, roleAllows } from '@/lib/auth';
import { listPresets } from '@/lib/renditions';

export const metadata: Metadata = { title: 'Library' };

export default async function LibraryPage(props: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePage('viewer');
  const params = await props.searchParams;
  const parsed = filterSchema().safeParse(filterParams(params));
  const filter: AssetFilter = parsed.success ? parsed.data : {};
  const db = await getDb();
  const [firstPage, counts, presets] = await Promise.all([listAssets(db, { limit: PAGE_SIZE, filter }), countLibrary(db, filter), listPresets(db)]);
  // Without a cursor there is nothing to get wrong; a failure here is a bug, and the error page says so.
  if (!firstPage.ok) throw new Error(firstPage.message);
  // Estimated from a sample in a large library: said so with a tilde, as beside the review queue's filters.
  const shown = (count: number) => (counts.estimated ? `~${count}` : String(count));
  const canUpload = roleAllows(user.role, 'editor');
  return (
    <main className="flex flex-col gap-5">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Library</h1>
          <p className="text-sm text-neutral-600">Every photo, newest first.</p>
        </div>
        <div className="flex flex-wrap gap-2">
          <Link href="/export" className="rounded-md border border-neutral-300 bg-white px-4 py-2 text-sm font-medium shadow-sm hover:bg-neutral-100">
            Export
          </Link>
          <Link href="/downloads" className="rounded-md border border-neutral-300 bg-white px-4 py-2 text-sm font-medium shadow-sm hover:bg-neutral-100">
            Downloads
          </Link>
          {canUpload && (
            <>
              <Link href="/trash" className="rounded-md border border-neutral-300 bg-white px-4 py-2 text-sm font-medium shadow-sm hover:bg-neutral-100">
                Trash
              </Link>
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
      <nav aria-label="Show photos by state" className="flex flex-wrap gap-2 text-sm">
        <FilterLink href="/" current={filter.state === undefined && filter.store === undefined}>
          All photos ({shown(counts.all)})
        </FilterLink>
        <FilterLink href="/?state=failed" current={filter.state === 'failed'}>
          Failed ({shown(counts.failed)})
        </FilterLink>
        <FilterLink href="/?state=retrying" current={filter.state === 'retrying'}>
          Retrying ({shown(counts.retrying)})
        </FilterLink>
        {(counts.notInStore > 0 || counts.storeConflicts > 0 || filter.store) && (
          <>
            <FilterLink href="/?store=not_in_store" current={filter.store === 'not_in_store'}>
              Not in the store yet ({shown(counts.notInStore)})
            </FilterLink>
            <FilterLink href="/?store=conflict" current={filter.store === 'conflict'}>
              Store conflicts ({shown(counts.storeConflicts)})
            </FilterLink>
          </>
        )}
      </nav>
      <LibraryFilters filter={filter} />
      {!parsed.success && (
        <p role="alert" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          This filter could not be used ({parsed.error.issues[0]?.message}), so the whole library is shown.
        </p>
      )}
      <LibraryGrid
        key={JSON.stringify(filter)}
        initial={{ items: firstPage.items, nextCursor: firstPage.nextCursor }}
        canUpload={canUpload}
        filter={filter}
        matching={{ total: counts.total, totalEstimated: counts.totalEstimated }}
        presets={presets.map((preset) => ({ name: preset.name, label: preset.label || preset.name }))}
      />
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
