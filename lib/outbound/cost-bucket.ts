import { systemClock, type Clock } from './pacer';

/**
 * Pacing by a remote's calculated query cost (Shopify's GraphQL Admin API): a leaky bucket of points per key
 * that fills at `restoreRate` points a second up to `maximumAvailable`; each call spends its cost. The remote
 * says where its bucket stands in every answer (`throttleStatus`); between answers Loupe estimates it, and a
 * call waits here until the points it needs are there, so calls are not refused for want of them. Calls under
 * way have their cost taken off the estimate up front (the answer that comes back counts them already).
 */

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

interface Bucket {
  /** Points at `at` (an estimate, less what calls under way will spend). */
  available: number;
  at: number;
  maximum: number;
  restoreRate: number;
  /** Points of calls sent and not answered yet. */
  inFlight: number;
}

export interface CostStats {
  calls: number;
  /** Points the remote said it charged. */
  spent: number;
  waitedMs: number;
  /** THROTTLED answers seen, and how many came right after another on the same key. */
  throttled: number;
  throttledTwice: number;
}

export class CostBucket {
  private readonly buckets = new Map<string, Bucket>();
  private readonly counters = new Map<string, CostStats & { lastThrottled: boolean }>();

  constructor(private readonly clock: Clock = systemClock) {}

  private level(bucket: Bucket, now: number): number {
    return Math.min(bucket.maximum, bucket.available + (bucket.restoreRate * (now - bucket.at)) / 1000);
  }

  private stats(key: string) {
    let stats = this.counters.get(key);
    if (!stats) {
      stats = { calls: 0, spent: 0, waitedMs: 0, throttled: 0, throttledTwice: 0, lastThrottled: false };
      this.counters.set(key, stats);
    }
    return stats;
  }

  /**
   * Waits until `cost` points are there (a call costing more than the bucket holds waits for a full one), then
   * books them; answers the release, to call with the remote's answer (or none) once the call is over. A key
   * never answered yet is not held back: its first answer says where its bucket stands.
   */
  async take(key: string, cost: number, signal?: AbortSignal): Promise<() => void> {
    const startedAt = this.clock.now();
    for (;;) {
      const bucket = this.buckets.get(key);
      if (!bucket) break;
      const now = this.clock.now();
      const needed = Math.min(cost, bucket.maximum);
      const level = this.level(bucket, now);
      if (level >= needed) {
        bucket.available = level - cost;
        bucket.at = now;
        break;
      }
      await this.clock.sleep(Math.ceil(((needed - level) / bucket.restoreRate) * 1000), signal);
    }
    const stats = this.stats(key);
    stats.calls += 1;
    stats.waitedMs += this.clock.now() - startedAt;
    const booked = this.buckets.get(key);
    if (booked) booked.inFlight += cost;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const bucket = this.buckets.get(key);
      if (bucket && booked === bucket) bucket.inFlight = Math.max(0, bucket.inFlight - cost);
    };
  }

  /** The remote's own word on its bucket, from an answer (after the call's release). */
  observe(key: string, status: ThrottleStatus, spent: number): void {
    const now = this.clock.now();
    const known = this.buckets.get(key);
    const inFlight = known?.inFlight ?? 0;
    this.buckets.set(key, {
      available: status.currentlyAvailable - inFlight,
      at: now,
      maximum: status.maximumAvailable,
      restoreRate: Math.max(status.restoreRate, 0.001),
      inFlight,
    });
    const stats = this.stats(key);
    stats.spent += spent;
    stats.lastThrottled = false;
  }

  /** A THROTTLED answer: counted, and whether the one before on this key was throttled too. */
  throttled(key: string): void {
    const stats = this.stats(key);
    stats.throttled += 1;
    if (stats.lastThrottled) stats.throttledTwice += 1;
    stats.lastThrottled = true;
  }

  /** How long until `cost` points are there, by the estimate (0 when they are, or nothing is known). */
  waitMs(key: string, cost: number): number {
    const bucket = this.buckets.get(key);
    if (!bucket) return 0;
    const level = this.level(bucket, this.clock.now());
    const needed = Math.min(cost, bucket.maximum);
    return level >= needed ? 0 : Math.ceil(((needed - level) / bucket.restoreRate) * 1000);
  }

  report(key: string): CostStats {
    const { lastThrottled: _last, ...stats } = this.stats(key);
    return { ...stats };
  }

  forget(key: string): void {
    this.buckets.delete(key);
    this.counters.delete(key);
  }
}
