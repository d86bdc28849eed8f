import { LOCALE_STATUSES, type LocaleStatus } from '@/lib/alt';
import type { AssetFilter } from '@/lib/filters';
import { isSourceLocale, resolveLocale } from '@/lib/locales';
import type { Result } from '@/lib/result';
import type { ItemOutcome, ItemResult } from './decide';

/** What a review request names, read before any query: the queue's locale and, for a locale's queue, its status. */

type Refused = { code: 'unknown_locale' | 'validation_failed'; message: string };

/** A configured locale other than the source, or undefined for the source locale's queue (the asset's own text). */
export function queueLocale(raw: string | undefined): Result<{ locale: string | undefined }, Refused> {
  if (raw === undefined) return { ok: true, locale: undefined };
  const resolved = resolveLocale(raw);
  if (!resolved.ok) return { ok: false, code: 'unknown_locale', message: resolved.message };
  return { ok: true, locale: isSourceLocale(resolved.locale) ? undefined : resolved.locale };
}

/** A locale's queue narrows by its records' statuses only; the source queue's other filters do not apply to it. */
export function localeQueueStatus(filter: AssetFilter): Result<{ status: LocaleStatus | undefined }, Refused> {
  const others = Object.keys(filter).filter((key) => key !== 'status' && filter[key as keyof AssetFilter] !== undefined);
  if (others.length) return { ok: false, code: 'validation_failed', message: `a locale's queue is narrowed by status only; ${others.join(', ')} apply to the source locale's queue` };
  if (filter.status === undefined) return { ok: true, status: undefined };
  if (!(LOCALE_STATUSES as readonly string[]).includes(filter.status)) {
    return { ok: false, code: 'validation_failed', message: `status ${filter.status} does not apply to a locale's queue: use one of ${LOCALE_STATUSES.join(', ')}` };
  }
  return { ok: true, status: filter.status as LocaleStatus };
}

/** How many items of a decision ended each way. */
export function summarise(results: readonly ItemResult[]): Record<ItemOutcome, number> {
  const summary: Record<ItemOutcome, number> = { done: 0, conflict: 0, not_found: 0, invalid: 0, not_applicable: 0 };
  for (const result of results) summary[result.outcome] += 1;
  return summary;
}
