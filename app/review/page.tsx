import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/db/client';
import { ReviewFilters } from '@/components/review/review-filters';
import { ReviewQueue } from '@/components/review/review-queue';
import { StoreConflicts } from '@/components/review/store-conflicts';
import { LOCALE_STATUSES, type LocaleStatus } from '@/lib/alt';
import { requirePage } from '@/lib/auth';
import { config } from '@/lib/config';
import { listConflicts } from '@/lib/connections';
import { filterFromParams, type AssetFilter } from '@/lib/filters';
import { configuredLocales, isSourceLocale, resolveLocale, sourceLocale } from '@/lib/locales';
import { FLAG_LABELS, localeCounts, localeReviewPage, reviewCounts, reviewPage, STATUS_LABELS } from '@/lib/review';
import { plural } from '@/lib/words';
import { getStorage } from '@/lib/storage';
import { resolveConflictAction } from './actions';

export const metadata: Metadata = { title: 'Review' };

type PageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** The review queue: what needs a decision, oldest first, one item at a time, from the keyboard. */
export default async function ReviewPage({ searchParams }: PageProps) {
  await requirePage('editor');
  const params = await searchParams;
  const filter = filterFromParams(params);
  const db = await getDb();
  const resolved = typeof params.locale === 'string' ? resolveLocale(params.locale) : null;
  const locale = resolved?.ok && !isSourceLocale(resolved.locale) ? resolved.locale : null;
  if (locale) return <LocaleReview locale={locale} status={(LOCALE_STATUSES as readonly string[]).includes(filter.status ?? '') ? (filter.status as LocaleStatus) : undefined} />;
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
      <LocaleSwitcher current={sourceLocale()} />
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

/** A locale's own queue (LOCALES): its records beside the approved source text, with the same keys and bulk actions. */
async function LocaleReview({ locale, status }: { locale: string; status: LocaleStatus | undefined }) {
  const db = await getDb();
  const asOf = new Date().toISOString();
  const [page, counts] = await Promise.all([localeReviewPage(db, await getStorage(), locale, status), localeCounts(db, locale, status)]);
  if (!page.ok) throw new Error('the first page of the queue has no cursor to get wrong');
  const filter: AssetFilter = status ? { status } : {};
  return (
    <main className="flex flex-col gap-5">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Review alt text: {locale}</h1>
        <p className="text-sm text-neutral-700">
          {plural(counts.total, 'item matches', 'items match')}, oldest first: each {locale} text beside the approved {sourceLocale()} text it translates. Press{' '}
          <kbd className="rounded border border-neutral-300 px-1 text-xs">?</kbd> for the keys.
        </p>
      </div>
      <LocaleSwitcher current={locale} />
      <nav aria-label={`Statuses in ${locale}`} className="flex flex-wrap gap-2 text-sm">
        <Link href={`/review?locale=${locale}`} aria-current={status === undefined ? 'page' : undefined} className="underline">
          Needs a decision
        </Link>
        {LOCALE_STATUSES.map((each) => (
          <Link key={each} href={`/review?locale=${locale}&status=${each}`} aria-current={status === each ? 'page' : undefined} className="underline">
            {STATUS_LABELS[each]} ({counts.status[each]})
          </Link>
        ))}
      </nav>
      <ReviewQueue key={`${locale}:${status ?? ''}`} initialItems={page.items} initialCursor={page.nextCursor} total={counts.total} filter={filter} asOf={asOf} maxLength={config().review.maxAltLength} locale={locale} />
    </main>
  );
}

/** The configured locales' queues (hidden with one locale), each with its coverage: approved or decorative of all photos. */
async function LocaleSwitcher({ current }: { current: string }) {
  const locales = configuredLocales();
  if (locales.length < 2) return null;
  const db = await getDb();
  const coverage = await Promise.all(
    locales.map(async (locale) => {
      const counts = await localeCounts(db, locale);
      const all = LOCALE_STATUSES.reduce((sum, each) => sum + counts.status[each], 0);
      return { locale, done: counts.status.approved + counts.status.decorative, all };
    }),
  );
  return (
    <nav aria-label="Locales" className="flex flex-wrap gap-2 text-sm">
      {coverage.map(({ locale, done, all }) => (
        <Link
          key={locale}
          href={isSourceLocale(locale) ? '/review' : `/review?locale=${locale}`}
          aria-current={locale === current ? 'page' : undefined}
          className={`rounded-md border px-2 py-1 ${locale === current ? 'border-neutral-900 font-semibold' : 'border-neutral-300'}`}
        >
          {locale} <span className="text-neutral-700">({done} of {all} done)</span>
        </Link>
      ))}
    </nav>
  );
}
