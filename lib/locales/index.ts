export { sourceLocale, configuredLocales, translatedLocales, isSourceLocale, resolveLocale } from './locales';
export { regconfigFor as searchConfigFor } from '@/lib/search';
export { sourceRecordInsert } from './source-record';
export { adoptSourceRecords } from './adopt';
