/**
 * How the interface writes dates and counts, in one place so every page says them the same way. No imports:
 * server pages, client components and lib messages all use it.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pad = (value: number) => String(value).padStart(2, '0');

/**
 * A moment as people read it, "4 Dec 2026, 18:30 UTC": in UTC and built by hand rather than by Intl, so the
 * server's rendering and the browser's hydration never differ (locale data differs between Node and browsers).
 */
export function formatDate(value: Date | string | null | undefined, fallback = '—'): string {
  if (value === null || value === undefined) return fallback;
  const date = typeof value === 'string' ? new Date(value) : value;
  if (Number.isNaN(date.getTime())) return fallback;
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()}, ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())} UTC`;
}

/** "1 photo", "3 photos", "2 deliveries" (give the plural when adding an s is wrong); thousands grouped. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? singular : pluralForm}`;
}
