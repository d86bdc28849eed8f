/**
 * When Loupe tries again by itself, in words: "in 4 minutes (at 14:05)", "at 09:30 on 5 Dec", "now". Local time
 * in the reader's browser; `now` is passed in so the words are testable.
 */
export function describeNextTry(at: Date, now: Date, locale?: string): string {
  const minutes = Math.ceil((at.getTime() - now.getTime()) / 60_000);
  if (minutes <= 0) return 'now';
  const time = at.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
  if (minutes < 60) return `in ${minutes} minute${minutes === 1 ? '' : 's'} (at ${time})`;
  if (at.toDateString() === now.toDateString()) return `at ${time}`;
  return `at ${time} on ${at.toLocaleDateString(locale, { day: 'numeric', month: 'short' })}`;
}
