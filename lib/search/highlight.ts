/**
 * Splits text into plain and matching segments for highlighting, so the UI renders both as text (React escapes
 * it) and never injects markup. A term matches at the start of a word, and a plural term also matches its
 * singular ("shoes" marks "shoe" and "shoes"), roughly as the full-text stemmer does.
 */
export interface Segment {
  text: string;
  match: boolean;
}

const MAX_HIGHLIGHT_TERMS = 32;

function stem(term: string): string {
  if (term.length > 4 && term.endsWith('es')) return term.slice(0, -2);
  if (term.length > 3 && term.endsWith('s') && !term.endsWith('ss')) return term.slice(0, -1);
  return term;
}

const escapeRegExp = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function highlightSegments(text: string, terms: readonly string[]): Segment[] {
  const stems = [...new Set(terms.slice(0, MAX_HIGHLIGHT_TERMS).map(stem).filter(Boolean))].sort((a, b) => b.length - a.length);
  if (stems.length === 0 || !text) return text ? [{ text, match: false }] : [];
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${stems.map(escapeRegExp).join('|')})[\\p{L}\\p{N}]*`, 'giu');
  const segments: Segment[] = [];
  let last = 0;
  for (const found of text.matchAll(pattern)) {
    const start = found.index ?? 0;
    if (start > last) segments.push({ text: text.slice(last, start), match: false });
    segments.push({ text: found[0], match: true });
    last = start + found[0].length;
  }
  if (last < text.length) segments.push({ text: text.slice(last), match: false });
  return segments;
}
