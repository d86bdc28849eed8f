import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/db/client';
import { ReviewFilters } from '@/components/review/review-filters';
import { ReviewQueue } from '@/components/review/review-queue';
import { StoreConflicts } from '@/components/review/store-conflicts';
import { requirePage } from '@/lib/auth';
import { config } from '@/lib/config';
import { listConflicts } from '@/lib/connections';
import { filterFromParams, type AssetFilter } from '@/lib/filters';
import { FLAG_LABELS, reviewCounts, reviewPage, STATUS_LABELS } from '@/lib/review';
import { plural } from '@/lib/words';
import { getStorage } from '@/lib/storage';
import { resolveConflictAction } from './actions';

export const metadata: Metadata = { title: 'Review' };

type PageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** The review queue: what needs a decision, oldest first, one item at a time, from the keyboard. */
export default async function ReviewPage({ searchParams }: PageProps) {
  await requirePage('editor');
  const filter = filterFromParams(await searchParams);
  const db = await getDb();
  // Taken before the queue is read: a "select all" decision skips anything changed after the reviewer saw it.
  const asOf = new Date().toISOString();
  const storage = await getStorage();
  const [page, counts, conflicts] = await Promise.all([reviewPage(db, storage, filter), reviewCounts(db, filter), listConflicts(db, storage)]);
  if (!page.ok) throw new Error('the first page of the queue has no cursor to get wrong');
  return (
    <main className="flex flex-col gap-5">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Review alt text</h1>
          <p className="text-sm text-neutral-700">
            {counts.totalEstimated ? 'About ' : ''}
            {plural(counts.total, 'item matches', 'items match')}, oldest first. Press <kbd className="rounded border border-neutral-300 px-1 text-xs">?</kbd> for the keys.
          </p>
        </div>
        <Link href="/coverage" className="text-sm font-medium underline">
          Coverage
        </Link>
      </div>
      <StoreConflicts conflicts={conflicts.conflicts} total={conflicts.total} action={resolveConflictAction} />
      {/* Closed, naming the filter in use: open, the form would push the item off a phone's screen. */}
      <details className="rounded-lg border border-neutral-200 bg-white p-3">
        <summary className="cursor-pointer text-sm font-medium">
          Filters{Object.keys(filter).length > 0 && <span className="font-normal text-neutral-700">: {describeFilter(filter)}</span>}
        </summary>
        <div className="mt-3">
          <ReviewFilters filter={filter} counts={counts} />
        </div>
      </details>
      <ReviewQueue initialItems={page.items} initialCursor={page.nextCursor} total={counts.total} filter={filter} asOf={asOf} maxLength={config().review.maxAltLength} />
    </main>
  );
}

const FILTER_NAMES: Record<keyof AssetFilter, string> = {
  q: 'name',
  status: 'status',
  state: 'state',
  tag: 'tag',
  collection: 'collection',
  product: 'product',
  store: 'store',
  source: 'source',
  type: 'type',
  from: 'from',
  to: 'to',
  model: 'model',
  promptVersion: 'prompt version',
  flag: 'flag',
};

/** The filter in words for the closed filter panel: "status Approved · tag coats". */
function describeFilter(filter: AssetFilter): string {
  return (Object.entries(filter) as Array<[keyof AssetFilter, string]>)
    .map(([key, value]) => `${FILTER_NAMES[key]} ${key === 'status' ? STATUS_LABELS[filter.status ?? 'proposed'] : key === 'flag' && filter.flag ? FLAG_LABELS[filter.flag] : value}`)
    .join(' · ');
}
