import { z } from 'zod';
import { integerFromString, text } from '@/lib/text-input';
import { filterSchema } from '@/lib/filters';
import { MAX_PAGE_SIZE, MAX_QUERY_LENGTH } from '@/lib/search';

/**
 * GET /api/search: the query string, and the filter language (lib/filters) beside it; `q` here is what to search
 * for. Every bad query gets a 422 that says what to type instead.
 */
export const searchQuerySchema = filterSchema({
  q: text()
    .default('')
    .refine((q) => q.trim().length > 0, 'Type a word, a phrase, a filename or a SKU to search for.')
    .refine((q) => q.length <= MAX_QUERY_LENGTH, `The query is over ${MAX_QUERY_LENGTH} characters: keep the words that matter.`),
  cursor: text().max(1000).optional(),
  limit: integerFromString(1, MAX_PAGE_SIZE).default(24),
  /** A configured locale (LOCALES): words are matched against that locale's alt text, in its language. */
  locale: text().max(64).optional(),
});

/** What each notice means, for people (the search page shows these). */
export const NOTICE_MESSAGES = {
  no_terms: 'The query has no letters or numbers to search for; try words such as "navy backpack", a filename or a SKU.',
  vector_unavailable: 'Search by meaning is unavailable right now (the embedding model cannot be reached); showing keyword matches only.',
  no_model_yet: 'No asset has been embedded yet; showing keyword matches only.',
} as const;
