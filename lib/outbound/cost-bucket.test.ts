import { describe, expect, it } from 'vitest';
import { CostBucket } from './cost-bucket';
import type { Clock } from './pacer';

/** The query-cost bucket on a clock the test owns: sleeping moves it forward at once. */
function manualClock(): Clock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

const status = (currentlyAvailable: number) => ({ maximumAvailable: 100, currentlyAvailable, restoreRate: 10 });

describe('the query-cost bucket', () => {
  it('sends one call first on a shop it knows nothing of; the next waits for that answer', async () => {
    const clock = manualClock();
    const bucket = new CostBucket(clock);
    const first = await bucket.take('shop', 10);
    let secondSent = false;
    const second = bucket.take('shop', 10).then((booking) => {
      secondSent = true;
      return booking;
    });
    await Promise.resolve();
    expect(secondSent).toBe(false);
    first.settle({ status: status(90), spent: 10 });
    (await second).settle();
    expect(secondSent).toBe(true);
    expect(clock.slept).toEqual([]);
  });

  it('waits for the points a call needs at the shop’s restore rate', async () => {
    const clock = manualClock();
    const bucket = new CostBucket(clock);
    (await bucket.take('shop', 1)).settle({ status: status(5), spent: 1 });
    (await bucket.take('shop', 10)).settle();
    // 5 there, 10 needed, 10 a second: half a second.
    expect(clock.slept).toEqual([500]);
  });

  it('counts against an answer only the calls sent after it', async () => {
    const clock = manualClock();
    const bucket = new CostBucket(clock);
    (await bucket.take('shop', 1)).settle({ status: status(100), spent: 1 });
    const a = await bucket.take('shop', 10);
    const b = await bucket.take('shop', 10);
    const c = await bucket.take('shop', 10);
    // B's answer comes first: the shop's figure counts A (sent before B), not C (sent after, still under way).
    b.settle({ status: status(50), spent: 10 });
    expect(bucket.waitMs('shop', 40)).toBe(0);
    expect(bucket.waitMs('shop', 45)).toBe(500);
    a.settle();
    c.settle({ status: status(40), spent: 10 });
    expect(bucket.waitMs('shop', 40)).toBe(0);
    expect(bucket.waitMs('shop', 41)).toBe(100);
  });

  it('tells a THROTTLED answer that follows another from one that does not', async () => {
    const bucket = new CostBucket(manualClock());
    bucket.throttled('shop');
    (await bucket.take('shop', 1)).settle({ status: status(50), spent: 1 });
    bucket.throttled('shop');
    bucket.throttled('shop');
    expect(bucket.report('shop')).toMatchObject({ throttled: 3, throttledTwice: 1 });
  });
});
