import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/db/client';
import { requirePage } from '@/lib/auth';
import { connectionCoverage, type ConnectionCoverage } from '@/lib/connections';
import { filterToParams, type AssetFilter } from '@/lib/filters';
import { COVERAGE_BUCKETS, coverage, localeCoverage, type CoverageBucket, type CoverageCounts } from '@/lib/review';
import { plural } from '@/lib/words';

export const metadata: Metadata = { title: 'Alt-text coverage' };

const LABELS: Record<CoverageBucket, string> = { approved: 'Approved', proposed: 'Proposed', missing: 'Missing', retrying: 'Retrying', failed: 'Failed', decorative: 'Decorative' };
const COLOURS: Record<CoverageBucket, string> = {
  approved: 'bg-emerald-600',
  proposed: 'bg-sky-500',
  missing: 'bg-neutral-400',
  retrying: 'bg-orange-400',
  failed: 'bg-rose-600',
  decorative: 'bg-violet-500',
};

const queueLink = (bucket: CoverageBucket, scope: AssetFilter = {}) => `/review?${filterToParams({ ...scope, status: bucket })}`;

/** How much of the catalogue has alt text a person stands behind, overall, per tag and per collection. */
export default async function CoveragePage() {
  await requirePage('editor');
  const db = await getDb();
  const [{ overall, byTag, byCollection }, stores, locales] = await Promise.all([coverage(db), connectionCoverage(db), localeCoverage(db)]);
  return (
    <main className="flex flex-col gap-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Alt-text coverage</h1>
          <p className="text-sm text-neutral-700">
            {plural(overall.total, 'photo')}. Approved text is what exports publish; each number opens those photos in the review queue.
          </p>
        </div>
        <a href="/api/alt/coverage/missing" download className="rounded-md bg-neutral-900 px-3 py-2 text-sm font-medium text-white hover:bg-neutral-700">
          Download CSV of what is missing
        </a>
      </div>
      <section aria-labelledby="overall-heading" className="flex flex-col gap-3 rounded-lg border border-neutral-200 bg-white p-4">
        <h2 id="overall-heading" className="text-lg font-semibold">
          Whole catalogue
        </h2>
        <CoverageBar counts={overall} />
        <ul className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6">
          {COVERAGE_BUCKETS.map((bucket) => (
            <li key={bucket}>
              <Link href={queueLink(bucket)} className="flex flex-col rounded-md border border-neutral-200 p-3 hover:bg-neutral-50">
                <span className="flex items-center gap-2 text-sm text-neutral-700">
                  <span aria-hidden className={`inline-block h-3 w-3 rounded-sm ${COLOURS[bucket]}`} />
                  {LABELS[bucket]}
                </span>
                <span className="text-2xl font-semibold tabular-nums">{overall[bucket]}</span>
              </Link>
            </li>
          ))}
        </ul>
      </section>
      <LocaleCoverage locales={locales} />
      <StoreCoverage stores={stores} />
      <CoverageTable title="By tag" label="Tag" rows={byTag} scope={(value) => ({ tag: value })} empty="No photo has tags yet." />
      <CoverageTable title="By collection" label="Collection" rows={byCollection} scope={(value) => ({ collection: value })} empty="No photo is in a collection yet." />
    </main>
  );
}

/** The buckets as one stacked bar; the numbers beside it carry the same information in text. */
function CoverageBar({ counts }: { counts: CoverageCounts }) {
  const approvedShare = counts.total ? Math.round((counts.approved / counts.total) * 100) : 0;
  return (
    <div role="img" aria-label={`${approvedShare}% approved`} className="flex h-3 w-full overflow-hidden rounded-full bg-neutral-100">
      {counts.total > 0 &&
        COVERAGE_BUCKETS.map((bucket) => (counts[bucket] > 0 ? <span key={bucket} className={COLOURS[bucket]} style={{ width: `${(counts[bucket] / counts.total) * 100}%` }} /> : null))}
    </div>
  );
}

function CoverageTable(props: { title: string; label: string; rows: Array<CoverageCounts & { value: string }>; scope: (value: string) => AssetFilter; empty: string }) {
  const id = props.title.toLowerCase().replace(/\s+/g, '-');
  return (
    <section aria-labelledby={id} className="flex flex-col gap-2">
      <h2 id={id} className="text-lg font-semibold">
        {props.title}
      </h2>
      {props.rows.length === 0 ? (
        <p className="text-sm text-neutral-700">{props.empty}</p>
      ) : (
        // Under 640 px each row is a card (name, bar, then the five numbers, each labelled), so the table fits a phone.
        <div className="rounded-lg border border-neutral-200 bg-white sm:overflow-x-auto">
          <table className="w-full text-sm sm:min-w-[36rem]">
            <thead className="bg-neutral-50 text-left text-neutral-700 max-sm:sr-only">
              <tr>
                <th scope="col" className="px-3 py-2 font-medium">
                  {props.label}
                </th>
                <th scope="col" className="px-3 py-2 font-medium">
                  Coverage
                </th>
                {COVERAGE_BUCKETS.map((bucket) => (
                  <th key={bucket} scope="col" className="px-3 py-2 text-right font-medium">
                    {LABELS[bucket]}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-neutral-100">
              {props.rows.map((row) => (
                <tr key={row.value} className="max-sm:grid max-sm:grid-cols-5 max-sm:gap-x-1 max-sm:py-2">
                  <th scope="row" className="max-w-48 truncate px-3 py-2 text-left font-medium max-sm:col-span-5 max-sm:max-w-none max-sm:py-1">
                    {row.value}
                  </th>
                  <td className="w-40 px-3 py-2 max-sm:col-span-5 max-sm:w-auto max-sm:py-1">
                    <CoverageBar counts={row} />
                  </td>
                  {COVERAGE_BUCKETS.map((bucket) => (
                    <td key={bucket} className="px-3 py-2 text-right tabular-nums max-sm:px-1 max-sm:text-center">
                      <span aria-hidden className="block text-xs text-neutral-600 sm:hidden">
                        {LABELS[bucket]}
                      </span>
                      <Link href={queueLink(bucket, props.scope(row.value))} className="underline decoration-neutral-300 hover:decoration-neutral-900" aria-label={`${row[bucket]} ${LABELS[bucket].toLowerCase()} in ${row.value}`}>
                        {row[bucket]}
                      </Link>
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** The statuses a locale's coverage shows, each linking to that locale's queue. */
const LOCALE_BUCKETS = ['approved', 'proposed', 'missing', 'failed'] as const;

/** Per locale other than the source (LOCALES): how many photos have text there a person stands behind. Absent with one locale. */
function LocaleCoverage({ locales }: { locales: Array<{ locale: string; counts: Record<(typeof LOCALE_BUCKETS)[number], number> }> }) {
  if (!locales.length) return null;
  return (
    <section aria-labelledby="locales-heading" className="flex flex-col gap-3 rounded-lg border border-neutral-200 bg-white p-4">
      <h2 id="locales-heading" className="text-lg font-semibold">
        By language
      </h2>
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Alt text in each language other than the source</caption>
        <thead className="border-b border-neutral-200 text-xs uppercase tracking-wide text-neutral-500">
          <tr>
            <th className="py-2 pr-3 font-medium">Language</th>
            {LOCALE_BUCKETS.map((bucket) => (
              <th key={bucket} className="py-2 pr-3 text-right font-medium">
                {LABELS[bucket]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-neutral-100">
          {locales.map(({ locale, counts }) => (
            <tr key={locale}>
              <th scope="row" className="py-2 pr-3 text-left font-medium">
                {locale}
              </th>
              {LOCALE_BUCKETS.map((bucket) => (
                <td key={bucket} className="py-2 pr-3 text-right tabular-nums">
                  <Link href={`/review?locale=${encodeURIComponent(locale)}&status=${bucket}`} className="underline" aria-label={`${counts[bucket]} ${LABELS[bucket].toLowerCase()} in ${locale}`}>
                    {counts[bucket]}
                  </Link>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Per connected store: how many of its photos hold, in the store, text a person stands behind. */
function StoreCoverage({ stores }: { stores: ConnectionCoverage[] }) {
  if (!stores.length) return null;
  return (
    <section aria-labelledby="stores-heading" className="flex flex-col gap-3 rounded-lg border border-neutral-200 bg-white p-4">
      <h2 id="stores-heading" className="text-lg font-semibold">
        By store
      </h2>
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Approved alt text in each connected store</caption>
        <thead className="border-b border-neutral-200 text-xs uppercase tracking-wide text-neutral-500">
          <tr>
            <th className="py-2 pr-3 font-medium">Store</th>
            <th className="py-2 pr-3 font-medium">In the store</th>
            <th className="py-2 pr-3 font-medium">Not yet</th>
            <th className="py-2 font-medium">Conflicts</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-neutral-100">
          {stores.map((store) => (
            <tr key={store.connectionId}>
              <td className="py-2 pr-3 break-words">{store.name}</td>
              <td className="py-2 pr-3 tabular-nums">
                {store.approvedInStore} of {plural(store.images, 'photo')}
              </td>
              <td className="py-2 pr-3 tabular-nums">
                <Link href="/?store=not_in_store" className="underline">
                  {store.notYetInStore}
                </Link>
              </td>
              <td className="py-2 tabular-nums">
                <Link href="/?store=conflict" className="underline">
                  {store.conflicts}
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
