'use client';

import { useEffect, useState } from 'react';
import { ResultTile } from './result-tile';
import { searchParams, type SearchFiltersState } from './search-api';
import { SearchFilters } from './search-filters';
import { useSearch } from './use-search';

const EXAMPLES = ['navy backpack', 'red wool coat winter', 'woman standing in fog'];

/**
 * The search page: query box, filters, a grid of ranked results, and states that say what to try next.
 * `meaningUnavailable`: the page already says search by meaning is off, so a result's notice does not repeat it.
 */
export function SearchView({ initialQuery, initialFilters, meaningUnavailable = false }: { initialQuery: string; initialFilters: SearchFiltersState; meaningUnavailable?: boolean }) {
  const [q, setQ] = useState(initialQuery);
  const [filters, setFilters] = useState(initialFilters);
  const search = useSearch(q, filters);

  // Keep the address in step, so a search can be shared or reloaded.
  useEffect(() => {
    const params = searchParams(q, filters);
    if (!q) params.delete('q');
    window.history.replaceState(null, '', params.size ? `/search?${params}` : '/search');
  }, [q, filters]);

  const filtered = Object.values(filters).some(Boolean);
  return (
    <div className="flex flex-col gap-5">
      <div className="flex flex-col gap-3">
        <label htmlFor="search-query" className="sr-only">
          Search photos
        </label>
        <input
          id="search-query"
          type="search"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          maxLength={500}
          autoFocus
          autoComplete="off"
          placeholder="Describe the photo, or type a filename or SKU"
          className="w-full rounded-lg border border-neutral-300 bg-white px-4 py-3 text-base shadow-sm focus:border-neutral-900 focus:outline-none"
        />
        <SearchFilters value={filters} onChange={setFilters} />
      </div>

      <div aria-live="polite" className="text-sm text-neutral-600">
        {search.status === 'loading' && <p>Searching…</p>}
        {search.error && <p className="rounded-md bg-red-50 px-3 py-2 text-red-800">{search.error}</p>}
        {search.notices.filter((notice) => !(meaningUnavailable && notice.code === 'vector_unavailable')).map((notice) => (
          <p key={notice.code} className="rounded-md bg-amber-50 px-3 py-2 text-amber-900">
            {notice.message}
          </p>
        ))}
      </div>

      {search.status === 'idle' && (
        <div className="rounded-lg border border-dashed border-neutral-300 p-8 text-center text-sm text-neutral-600">
          <p className="font-medium text-neutral-900">Search the library by what is in the photo.</p>
          <p className="mt-1">
            Try {EXAMPLES.map((example, i) => (
              <span key={example}>
                {i > 0 && ', '}
                <button type="button" className="underline underline-offset-2" onClick={() => setQ(example)}>
                  {example}
                </button>
              </span>
            ))}
            , or paste a filename or SKU.
          </p>
        </div>
      )}

      {search.status === 'done' && search.hits.length === 0 && search.notices.every((n) => n.code !== 'no_terms') && (
        <div className="rounded-lg border border-dashed border-neutral-300 p-8 text-center text-sm text-neutral-600">
          <p className="font-medium text-neutral-900">No photos match “{q.trim()}”.</p>
          <p className="mt-1">
            Try fewer or more general words (“bag” rather than “navy leather weekender”), a synonym, or the exact filename.
            {filtered && ' Filters are on: clear them to search the whole library.'}
          </p>
        </div>
      )}

      {search.hits.length > 0 && (
        <>
          <ul className="grid grid-cols-2 gap-4 sm:grid-cols-3 lg:grid-cols-4 xl:grid-cols-6" data-testid="search-results">
            {search.hits.map((hit) => (
              <ResultTile key={hit.asset.id} hit={hit} terms={search.terms} />
            ))}
          </ul>
          {search.nextCursor && (
            <button
              type="button"
              onClick={search.loadMore}
              disabled={search.loadingMore}
              className="self-center rounded-md border border-neutral-300 bg-white px-4 py-2 text-sm shadow-sm hover:border-neutral-500 disabled:opacity-60"
            >
              {search.loadingMore ? 'Loading…' : 'More results'}
            </button>
          )}
        </>
      )}
    </div>
  );
}
