/**
 * Which of PostgreSQL's built-in text search configurations stems a locale's words (`fr-CA` → `french`), so
 * "bottines" finds "bottine". Only configurations that both PostgreSQL (14 and later) and PGlite ship are
 * listed (PGlite also has `estonian`; the server here does not); any other language gets `simple`: words
 * lower-cased and matched whole, never stemmed by another language's rules.
 */
export const REGCONFIGS = {
  ar: 'arabic',
  ca: 'catalan',
  da: 'danish',
  de: 'german',
  el: 'greek',
  en: 'english',
  es: 'spanish',
  eu: 'basque',
  fi: 'finnish',
  fr: 'french',
  ga: 'irish',
  hi: 'hindi',
  hu: 'hungarian',
  hy: 'armenian',
  id: 'indonesian',
  it: 'italian',
  lt: 'lithuanian',
  nb: 'norwegian',
  ne: 'nepali',
  nl: 'dutch',
  nn: 'norwegian',
  no: 'norwegian',
  pt: 'portuguese',
  ro: 'romanian',
  ru: 'russian',
  sr: 'serbian',
  sv: 'swedish',
  ta: 'tamil',
  tr: 'turkish',
  yi: 'yiddish',
} as const;

export type Regconfig = (typeof REGCONFIGS)[keyof typeof REGCONFIGS] | 'simple';

/** The configuration for a locale; a constant from the list above, so it is safe to put in SQL as a literal. */
export function regconfigFor(locale: string): Regconfig {
  const language = locale.trim().split(/[-_]/)[0]!.toLowerCase();
  return Object.hasOwn(REGCONFIGS, language) ? REGCONFIGS[language as keyof typeof REGCONFIGS] : 'simple';
}
