/** Dates in admin tables: UTC, to the minute, the same on the server and in every browser. */
export function formatDate(date: Date | null, fallback = '—'): string {
  return date ? `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC` : fallback;
}
