'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import { fetchSearchPage, type SearchFiltersState, type SearchHitView } from './search-api';

/** Typing pauses this long before a request goes out: one request per pause, not per keystroke. */
const DEBOUNCE_MS = 250;

export type SearchStatus = 'idle' | 'loading' | 'done' | 'error';

export interface SearchState {
  status: SearchStatus;
  hits: SearchHitView[];
  terms: string[];
  notices: { code: string; message: string }[];
  error: string | null;
  nextCursor: string | null;
  loadingMore: boolean;
}

const IDLE: SearchState = { status: 'idle', hits: [], terms: [], notices: [], error: null, nextCursor: null, loadingMore: false };

/**
 * Searches as the user types: debounced, and every new query aborts the request still in flight, so a slow
 * answer to an old query can never replace a newer one.
 */
export function useSearch(q: string, filters: SearchFiltersState): SearchState & { loadMore: () => void } {
  const [state, setState] = useState<SearchState>(IDLE);
  const inFlight = useRef<AbortController | null>(null);

  useEffect(() => {
    inFlight.current?.abort();
    if (!q.trim()) {
      setState(IDLE);
      return;
    }
    const controller = new AbortController();
    inFlight.current = controller;
    const timer = setTimeout(async () => {
      setState((current) => ({ ...current, status: 'loading', error: null }));
      try {
        const response = await fetchSearchPage(q, filters, null, controller.signal);
        if (controller.signal.aborted) return;
        setState(
          response.ok
            ? { status: 'done', hits: response.page.results, terms: response.page.query.terms, notices: response.page.notices, error: null, nextCursor: response.page.nextCursor, loadingMore: false }
            : { ...IDLE, status: 'error', error: response.message },
        );
      } catch (error) {
        if (controller.signal.aborted) return;
        setState({ ...IDLE, status: 'error', error: error instanceof Error ? `Search failed: ${error.message}` : 'Search failed; try again.' });
      }
    }, DEBOUNCE_MS);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [q, filters]);

  const loadMore = useCallback(() => {
    const cursor = state.nextCursor;
    if (!cursor || state.loadingMore) return;
    const controller = inFlight.current ?? new AbortController();
    setState((current) => ({ ...current, loadingMore: true }));
    fetchSearchPage(q, filters, cursor, controller.signal)
      .then((response) => {
        if (controller.signal.aborted) return;
        setState((current) =>
          response.ok
            ? { ...current, hits: [...current.hits, ...response.page.results], nextCursor: response.page.nextCursor, loadingMore: false }
            : { ...current, error: response.message, loadingMore: false },
        );
      })
      .catch(() => {
        if (!controller.signal.aborted) setState((current) => ({ ...current, error: 'Could not load more results; try again.', loadingMore: false }));
      });
  }, [q, filters, state.nextCursor, state.loadingMore]);

  return { ...state, loadMore };
}
