import { describe, expect, it } from 'vitest';
import { describeNextTry } from './describe-next-try';

describe('the next automatic try in words', () => {
  const now = new Date(2026, 11, 4, 14, 1, 0);
  it('minutes away: how many, and the time', () => {
    expect(describeNextTry(new Date(2026, 11, 4, 14, 5, 0), now, 'en-GB')).toBe('in 4 minutes (at 14:05)');
    expect(describeNextTry(new Date(2026, 11, 4, 14, 1, 30), now, 'en-GB')).toBe('in 1 minute (at 14:01)');
  });
  it('later today: the time; another day: the time and the day', () => {
    expect(describeNextTry(new Date(2026, 11, 4, 18, 30, 0), now, 'en-GB')).toBe('at 18:30');
    expect(describeNextTry(new Date(2026, 11, 5, 9, 30, 0), now, 'en-GB')).toBe('at 09:30 on 5 Dec');
  });
  it('due already (the sweeper picks it up): now', () => {
    expect(describeNextTry(new Date(2026, 11, 4, 13, 59, 0), now, 'en-GB')).toBe('now');
  });
});
