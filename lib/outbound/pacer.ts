import type { IncomingHttpHeaders } from 'node:http';
import { parseRetryAfter } from './client';

/**
 * Pacing per remote (one key per shop connection, say): at most `concurrency` calls at once, call starts spaced
 * at least 1/`requestsPerSecond` apart, and none before the time the remote itself named (Retry-After on a 429
 * or 503, or a rate-limit header saying the allowance is used up). Waiting happens here, before a call, so a
 * slow-down asked for by one call holds back every other call to the same remote. The clock is injected, so
 * tests advance time instead of sleeping.
 */

export interface Clock {
  now(): number;
  /** Resolves after `ms` (rejects when `signal` aborts first). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

export interface PaceLimits {
  concurrency: number;
  requestsPerSecond: number;
}

/** The longest a remote's own header may hold calls back; a stranger's "retry in a year" is not obeyed. */
export const MAX_REMOTE_WAIT_MS = 15 * 60 * 1000;

interface Lane {
  running: number;
  queue: (() => void)[];
  /** The earliest the next call may start (spacing, and the remote's own word). */
  nextStartAt: number;
  remoteNotBefore: number;
  calls: number;
  waitedMs: number;
}

export interface PaceStats {
  calls: number;
  /** Total time calls spent waiting for a slot or for their start time. */
  waitedMs: number;
}

/**
 * When a remote asked to be left alone until, from its answer: Retry-After (RFC 9110), or the rate-limit
 * headers' reset when their remaining allowance is 0 (`RateLimit-Remaining`/`RateLimit-Reset` as the IETF draft
 * names them, in seconds; `X-RateLimit-Remaining`/`X-RateLimit-Reset`, whose reset is seconds from now or, when
 * it is that large, a Unix time). Null when the answer says nothing.
 */
export function remoteWaitMs(headers: IncomingHttpHeaders, now: number): number | null {
  const retryAfter = parseRetryAfter(headers['retry-after'], now);
  if (retryAfter !== undefined) return Math.min(retryAfter, MAX_REMOTE_WAIT_MS);
  for (const prefix of ['ratelimit-', 'x-ratelimit-']) {
    const remaining = Number(headers[`${prefix}remaining`]);
    const reset = Number(headers[`${prefix}reset`]);
    if (headers[`${prefix}remaining`] !== undefined && remaining <= 0 && Number.isFinite(reset) && reset >= 0) {
      const ms = reset > 1_000_000_000 ? reset * 1000 - now : reset * 1000;
      return Math.min(Math.max(0, ms), MAX_REMOTE_WAIT_MS);
    }
  }
  return null;
}

export class Pacer {
  private readonly lanes = new Map<string, Lane>();

  constructor(private readonly clock: Clock = systemClock) {}

  private lane(key: string): Lane {
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { running: 0, queue: [], nextStartAt: 0, remoteNotBefore: 0, calls: 0, waitedMs: 0 };
      this.lanes.set(key, lane);
    }
    return lane;
  }

  /**
   * Waits for a slot and for this call's start time; answers the release, to call once the call is over (in a
   * finally). Rejects (without holding a slot) when `signal` aborts while waiting.
   */
  async acquire(key: string, limits: PaceLimits, signal?: AbortSignal): Promise<() => void> {
    const lane = this.lane(key);
    const queuedAt = this.clock.now();
    if (lane.running >= limits.concurrency) {
      await new Promise<void>((resolve, reject) => {
        const wake = () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        const onAbort = () => {
          lane.queue.splice(lane.queue.indexOf(wake), 1);
          reject(signal!.reason);
        };
        lane.queue.push(wake);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
    lane.running += 1;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      lane.running -= 1;
      lane.queue.shift()?.();
    };
    try {
      // Spacing: each call books its start time before it waits, so calls queued together spread out.
      for (;;) {
        const startAt = Math.max(lane.nextStartAt, lane.remoteNotBefore, this.clock.now());
        const wait = startAt - this.clock.now();
        if (wait <= 0) break;
        await this.clock.sleep(wait, signal);
      }
      lane.nextStartAt = this.clock.now() + 1000 / limits.requestsPerSecond;
      lane.calls += 1;
      lane.waitedMs += this.clock.now() - queuedAt;
      return release;
    } catch (error) {
      release();
      throw error;
    }
  }

  /** Reads a remote's answer for a slow-down; answers how long it asked for (ms), or null. */
  observe(key: string, headers: IncomingHttpHeaders): number | null {
    const wait = remoteWaitMs(headers, this.clock.now());
    if (wait !== null && wait > 0) {
      const lane = this.lane(key);
      lane.remoteNotBefore = Math.max(lane.remoteNotBefore, this.clock.now() + wait);
    }
    return wait;
  }

  /** Calls made and time spent waiting for pacing, for a key. */
  stats(key: string): PaceStats {
    const lane = this.lanes.get(key);
    return { calls: lane?.calls ?? 0, waitedMs: lane?.waitedMs ?? 0 };
  }

  /** Forgets a key (a connection deleted). */
  forget(key: string): void {
    this.lanes.delete(key);
  }
}
