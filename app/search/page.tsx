import type { Metadata } from 'next';
import { SearchByMeaningBanner } from '@/components/search/embedding-notice';
import { NO_FILTERS, type SearchFiltersState } from '@/components/search/search-api';
import { SearchView } from '@/components/search/search-view';
import { getDb } from '@/db/client';
import { requirePage } from '@/lib/auth';
import { embeddingAvailability } from '@/lib/embed';
import { filterFromParams } from '@/lib/filters';

export const metadata: Metadata = { title: 'Search' };

type PageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** Search by meaning, words, filename or SKU; the query and filters live in the address. */
export default async function SearchPage({ searchParams }: PageProps) {
  await requirePage('viewer');
  const params = await searchParams;
  const first = (key: string) => {
    const value = params[key];
    return Array.isArray(value) ? value[0] : value;
  };
  // Unknown or malformed filter values in a shared link are dropped rather than failing the page; an old link's
  // `state=approved` reads as `status=approved`. The page's form offers the fields below.
  const parsed = filterFromParams(params);
  const filters: SearchFiltersState = { ...NO_FILTERS, ...pick(parsed, Object.keys(NO_FILTERS) as (keyof SearchFiltersState)[]) };
  const availability = await embeddingAvailability(await getDb());
  return (
    <main className="flex flex-col gap-5">
      <h1 className="text-2xl font-semibold tracking-tight">Search</h1>
      {!availability.available && <SearchByMeaningBanner availability={availability} />}
      <SearchView initialQuery={(first('q') ?? '').slice(0, 500)} initialFilters={filters} meaningUnavailable={!availability.available} />
    </main>
  );
}

function pick(filter: Record<string, string | undefined>, keys: readonly (keyof SearchFiltersState)[]): Partial<SearchFiltersState> {
  return Object.fromEntries(keys.flatMap((key) => (filter[key] !== undefined ? [[key, filter[key]]] : []))) as Partial<SearchFiltersState>;
}
