import Link from 'next/link';
import { ALT_STATUSES } from '@/db/schema';
import type { AssetFilter } from '@/lib/filters';

const CONTROL = 'w-full min-w-0 rounded-md border border-neutral-300 bg-white px-2.5 py-1.5 text-sm focus:border-neutral-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-neutral-900';

const STATUS_LABELS: Record<(typeof ALT_STATUSES)[number], string> = {
  none: 'No alt text',
  proposed: 'Proposed',
  approved: 'Approved',
  rejected: 'Rejected',
  decorative: 'Decorative',
};

/**
 * The library's search and filters: a plain GET form, so the URL holds them (shareable, back button) and it
 * works before any script runs. "Select all matching" in bulk actions acts on exactly this filter.
 */
export function LibraryFilters({ filter }: { filter: AssetFilter }) {
  const active = Object.values(filter).some(Boolean);
  return (
    <form method="get" role="search" aria-label="Filter the library" className="grid grid-cols-2 items-end gap-2 sm:flex sm:flex-wrap">
      {filter.state && <input type="hidden" name="state" value={filter.state} />}
      <label className="col-span-2 flex flex-col gap-1 text-xs font-medium text-neutral-700 sm:w-56">
        Filename, title or SKU
        <input type="search" name="q" defaultValue={filter.q ?? ''} maxLength={200} className={CONTROL} />
      </label>
      <label className="flex flex-col gap-1 text-xs font-medium text-neutral-700 sm:w-36">
        Tag
        <input name="tag" defaultValue={filter.tag ?? ''} maxLength={100} className={CONTROL} />
      </label>
      <label className="flex flex-col gap-1 text-xs font-medium text-neutral-700 sm:w-40">
        Collection
        <input name="collection" defaultValue={filter.collection ?? ''} maxLength={200} className={CONTROL} />
      </label>
      <label className="flex flex-col gap-1 text-xs font-medium text-neutral-700 sm:w-40">
        Alt text
        <select name="status" defaultValue={filter.status ?? ''} className={CONTROL}>
          <option value="">Any</option>
          {ALT_STATUSES.map((status) => (
            <option key={status} value={status}>
              {STATUS_LABELS[status]}
            </option>
          ))}
        </select>
      </label>
      <div className="flex gap-2">
        <button type="submit" className="rounded-md bg-neutral-900 px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-neutral-700">
          Filter
        </button>
        {active && (
          <Link href="/" className="rounded-md border border-neutral-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-neutral-100">
            Clear
          </Link>
        )}
      </div>
    </form>
  );
}
