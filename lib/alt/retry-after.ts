/**
 * How long a 429 asks us to wait. Groq puts the precise wait in the message ("Please try again in 1.278s",
 * "924ms", "2m57.984s", "5m29.8752s") and a rounded one in `retry-after`; the message wins when both are there.
 */

const UNIT_MS = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;

/** Milliseconds in a Go-style duration such as "2m57.984s" or "924ms"; undefined when it is not one. */
export function parseDurationMs(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^(?:\d+(?:\.\d+)?(?:h|ms|m|s))+$/.test(trimmed)) return undefined;
  let total = 0;
  for (const [, value, unit] of trimmed.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s)/g)) total += Number(value) * UNIT_MS[unit as keyof typeof UNIT_MS];
  return Math.round(total);
}

export function waitFromMessage(message: string): number | undefined {
  const match = message.match(/try again in\s+((?:\d+(?:\.\d+)?(?:h|ms|m|s))+)/i);
  return match ? parseDurationMs(match[1]) : undefined;
}

/** `retry-after-ms`, then `retry-after` as seconds or an HTTP date. */
export function waitFromHeaders(headers: Headers | undefined, now = Date.now()): number | undefined {
  const millis = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(millis) && millis >= 0) return Math.round(millis);
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function retryWaitMs(headers: Headers | undefined, message: string): number | undefined {
  return waitFromMessage(message) ?? waitFromHeaders(headers);
}
