/**
 * Turns whatever a person typed into something safe to search with. Only letters and digits (any script) survive
 * as terms, so tsquery operators (`&`, `|`, `!`, `:*`, `<->`), quotes and backslashes never reach PostgreSQL as
 * syntax; the terms are then joined for websearch_to_tsquery (all of them, or any with `or`), which never raises a
 * syntax error.
 */

export const MAX_QUERY_LENGTH = 500;
const MAX_TERMS = 32;
const MAX_TERM_LENGTH = 64;

export interface ParsedQuery {
  /** Trimmed text as typed: embedded for the vector signal and compared for exact filename/SKU matches. */
  text: string;
  /** Lower-case words in order, without duplicates: for full text and highlighting. */
  terms: string[];
  /** Input for websearch_to_tsquery: every term must match. */
  websearchAll: string;
  /** Input for websearch_to_tsquery: any term may match. */
  websearchAny: string;
}

// websearch_to_tsquery treats a bare "or" as an operator; as a search word it is a stop word anyway.
const OPERATOR_WORDS = new Set(['or']);

export function parseQuery(raw: string): ParsedQuery {
  const text = raw.normalize('NFKC').trim();
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  const terms = [...new Set(words.map((w) => w.slice(0, MAX_TERM_LENGTH)))].filter((w) => !OPERATOR_WORDS.has(w)).slice(0, MAX_TERMS);
  return { text, terms, websearchAll: terms.join(' '), websearchAny: terms.join(' or ') };
}

/** LIKE pattern for "<query>.<extension>", with LIKE's own wildcards escaped. */
export function filenameStemPattern(text: string): string {
  return `${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}.%`;
}
