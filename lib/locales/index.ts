export { sourceLocale, configuredLocales, translatedLocales, isSourceLocale, resolveLocale } from './locales';
export { searchConfigFor } from './search-config';
export { sourceRecordInsert } from './source-record';
export { adoptSourceRecords } from './adopt';
