import { config } from '@/lib/config';
import type { Result } from '@/lib/result';

/** The configured locales (LOCALES): the first is the source locale. */
export function sourceLocale(): string {
  return config().locales.source;
}

export function configuredLocales(): readonly string[] {
  return config().locales.all;
}

/** Locales made from the source locale's approved text. */
export function translatedLocales(): readonly string[] {
  return config().locales.others;
}

export function isSourceLocale(locale: string): boolean {
  return locale === sourceLocale();
}

/**
 * A locale from a request (an API path, a review body, a CSV column), matched case-insensitively to a
 * configured one; anything else is refused naming what is configured. A removed locale's records stay in the
 * database but are refused here, so they are hidden until the locale is configured again.
 */
export function resolveLocale(raw: string): Result<{ locale: string }, { code: 'unknown_locale'; message: string }> {
  const locale = configuredLocales().find((tag) => tag.toLowerCase() === raw.toLowerCase());
  if (locale) return { ok: true, locale };
  return { ok: false, code: 'unknown_locale', message: `unknown locale "${raw.slice(0, 40)}": the configured locales are ${configuredLocales().join(', ')} (LOCALES)` };
}
