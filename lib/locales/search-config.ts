/**
 * PostgreSQL's text-search configuration for a locale's language (its stemmer and stop words); 'simple' for a
 * language PostgreSQL has none for. Keyed by the tag's language subtag: pt-BR searches as Portuguese.
 */
const CONFIGS: Record<string, string> = {
  ar: 'arabic', ca: 'catalan', da: 'danish', de: 'german', el: 'greek', en: 'english', es: 'spanish', eu: 'basque', fi: 'finnish',
  fr: 'french', ga: 'irish', hi: 'hindi', hu: 'hungarian', hy: 'armenian', id: 'indonesian', it: 'italian', lt: 'lithuanian',
  nb: 'norwegian', ne: 'nepali', nl: 'dutch', nn: 'norwegian', no: 'norwegian', pt: 'portuguese', ro: 'romanian', ru: 'russian',
  sr: 'serbian', sv: 'swedish', ta: 'tamil', tr: 'turkish', yi: 'yiddish',
};

export function searchConfigFor(locale: string): string {
  return CONFIGS[locale.split('-')[0].toLowerCase()] ?? 'simple';
}
