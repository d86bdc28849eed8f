import { systemClock, type Clock } from './pacer';

/**
 * Pacing by a remote's calculated query cost (Shopify's GraphQL Admin API): a leaky bucket of points per key
 * that fills at `restoreRate` points a second up to `maximumAvailable`; each call spends its cost. The remote
 * says where its bucket stands in every answer (`throttleStatus`); between answers Loupe estimates it, and a
 * call waits here until the points it needs are there, so calls are not refused for want of them. A call's cost
 * is taken off the estimate when it is sent; an answer's figure already counts the calls sent before it, so only
 * those sent after it and still under way are taken off that figure again.
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
  /** Calls sent and not answered yet: their order of sending, and their cost. */
  inFlight: Map<number, number>;
}

/** A call's booking: answers with the remote's word on its bucket (or nothing, when the call failed). */
export interface CostBooking {
  settle(answer?: { status: ThrottleStatus; spent: number }): void;
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

function abortable(promise: Promise<void>, signal?: AbortSignal): Promise<void> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, reject);
  });
}

export class CostBucket {
  private readonly buckets = new Map<string, Bucket>();
  private readonly counters = new Map<string, CostStats & { lastThrottled: boolean }>();
  private sent = 0;
  /** Keys whose first call is under way: the others wait for its answer rather than go in blind. */
  private readonly learning = new Map<string, Promise<void>>();

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
   * books them; the booking is settled with the remote's answer once the call is over. On a key never answered
   * yet, one call goes first and the others wait for its answer, which says where the bucket stands.
   */
  async take(key: string, cost: number, signal?: AbortSignal): Promise<CostBooking> {
    const startedAt = this.clock.now();
    let learned: (() => void) | null = null;
    for (;;) {
      const bucket = this.buckets.get(key);
      if (!bucket) {
        const first = this.learning.get(key);
        if (first) {
          await abortable(first, signal);
          continue;
        }
        this.learning.set(key, new Promise<void>((resolve) => (learned = resolve)));
        break;
      }
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
    const order = ++this.sent;
    this.buckets.get(key)?.inFlight.set(order, cost);
    let settled = false;
    return {
      settle: (answer) => {
        if (settled) return;
        settled = true;
        const bucket = this.buckets.get(key);
        bucket?.inFlight.delete(order);
        if (answer) this.observe(key, answer.status, answer.spent, order);
        if (learned) {
          this.learning.delete(key);
          learned();
        }
      },
    };
  }

  /** The remote's word on its bucket, from the answer to the call sent `order`th. */
  private observe(key: string, status: ThrottleStatus, spent: number, order: number): void {
    const now = this.clock.now();
    const inFlight = this.buckets.get(key)?.inFlight ?? new Map<number, number>();
    let unseen = 0;
    for (const [sentAt, cost] of inFlight) if (sentAt > order) unseen += cost;
    this.buckets.set(key, {
      available: status.currentlyAvailable - unseen,
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
