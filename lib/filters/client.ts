/** What client components may import from lib/filters: the vocabulary, no server-only code. */
export * from './vocabulary';
