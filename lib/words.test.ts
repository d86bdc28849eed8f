import { describe, expect, it } from 'vitest';
import { formatDate, plural } from './words';

describe('formatDate', () => {
  it('writes a moment as day, month, year and UTC time to the minute, from a Date or an ISO string', () => {
    expect(formatDate(new Date('2026-12-04T18:30:59.900Z'))).toBe('4 Dec 2026, 18:30 UTC');
    expect(formatDate('2027-01-09T07:05:00+02:00')).toBe('9 Jan 2027, 05:05 UTC');
  });

  it('gives the fallback for a missing or unreadable date', () => {
    expect(formatDate(null)).toBe('—');
    expect(formatDate(undefined, 'never')).toBe('never');
    expect(formatDate('not a date', 'unknown')).toBe('unknown');
  });
});

describe('plural', () => {
  it('says one thing in the singular and every other count in the plural, zero included', () => {
    expect(plural(1, 'duplicate')).toBe('1 duplicate');
    expect(plural(0, 'duplicate')).toBe('0 duplicates');
    expect(plural(2, 'photo')).toBe('2 photos');
  });

  it('takes an irregular plural and groups thousands', () => {
    expect(plural(1, 'delivery', 'deliveries')).toBe('1 delivery');
    expect(plural(12, 'delivery', 'deliveries')).toBe('12 deliveries');
    expect(plural(10_000, 'request')).toBe('10,000 requests');
  });
});
