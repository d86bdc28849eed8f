import type { Metadata } from 'next';
import { SearchByMeaningBanner } from '@/components/search/embedding-notice';
import { NO_FILTERS, type SearchFiltersState } from '@/components/search/search-api';
import { SearchView } from '@/components/search/search-view';
import { getDb } from '@/db/client';
import { requirePage } from '@/lib/auth';
import { embeddingAvailability } from '@/lib/embed';
import { searchFiltersSchema } from '@/lib/search';

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
  // Unknown or malformed filter values in a shared link are dropped rather than failing the page.
  const parsed = searchFiltersSchema.safeParse(Object.fromEntries(Object.keys(NO_FILTERS).map((key) => [key, first(key)])));
  const filters: SearchFiltersState = { ...NO_FILTERS, ...(parsed.success ? stripUndefined(parsed.data) : {}) };
  const availability = await embeddingAvailability(await getDb());
  return (
    <main className="flex flex-col gap-5">
      <h1 className="text-2xl font-semibold tracking-tight">Search</h1>
      {!availability.available && <SearchByMeaningBanner availability={availability} />}
      <SearchView initialQuery={(first('q') ?? '').slice(0, 500)} initialFilters={filters} meaningUnavailable={!availability.available} />
    </main>
  );
}

function stripUndefined(filters: Record<string, string | undefined>): Partial<SearchFiltersState> {
  return Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)) as Partial<SearchFiltersState>;
}
