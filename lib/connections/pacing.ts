import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'drizzle-orm';
import { rows } from '@/db/client';
import type { ConnectorError } from '@/lib/connectors';
import type { Queryable } from '@/lib/jobs';

/**
 * Calls to one store are spaced at most `requestsPerSecond` apart across every worker and instance: each call
 * takes the next slot of the connection's schedule (connections.next_call_at, one UPDATE) and waits for it.
 * A store that asked Loupe to slow down (Retry-After) pushes the schedule back for everyone.
 */
/** Calls this process scheduled and the time they spent waiting for their slot (the benchmark's figures). */
const slotStats = { calls: 0, waitedMs: 0 };

export function callSlotStats(): { calls: number; waitedMs: number } {
  return { ...slotStats };
}

export async function takeCallSlot(db: Queryable, connectionId: string, requestsPerSecond: number, signal?: AbortSignal): Promise<void> {
  const spacingSeconds = 1 / Math.max(requestsPerSecond, 0.001);
  const [slot] = await rows<{ wait_ms: number | string }>(
    db,
    sql`update connections set next_call_at = greatest(coalesce(next_call_at, now()), now()) + make_interval(secs => ${spacingSeconds})
      where id = ${connectionId}
      returning greatest(0, extract(epoch from (next_call_at - now())) * 1000 - ${spacingSeconds * 1000}) as wait_ms`,
  );
  const waitMs = Number(slot?.wait_ms ?? 0);
  slotStats.calls += 1;
  slotStats.waitedMs += waitMs;
  if (waitMs > 0) await sleep(waitMs, undefined, { signal });
}

/** The store said to wait: no call to it before then. */
export async function deferCalls(db: Queryable, connectionId: string, delayMs: number): Promise<void> {
  await db.execute(sql`update connections set next_call_at = greatest(coalesce(next_call_at, now()), now() + make_interval(secs => ${delayMs / 1000})) where id = ${connectionId}`);
}

/** Backing off from a store that failed: 30 s, doubling with each attempt, at most an hour. */
export function backoffAt(attempts: number, now = Date.now()): Date {
  return new Date(now + Math.min(30_000 * 2 ** attempts, 3_600_000));
}

/** A busy store, an unreachable one, or one failing for now: worth trying again later (anything else is about the image). */
export function isRetryable(error: ConnectorError): boolean {
  return error.code === 'rate_limited' || error.code === 'unreachable' || error.code === 'remote_error';
}

/** A store that said how long to wait (Retry-After) holds back every call to it until then. */
export async function holdBackCalls(db: Queryable, connectionId: string, error: ConnectorError): Promise<void> {
  if (error.code === 'rate_limited' && error.retryAfterMs) await deferCalls(db, connectionId, error.retryAfterMs);
}

/** The job tries again when the store said, or with backoff. */
export function retryOutcome(error: ConnectorError, attempts: number): { ok: false; kind: 'failed'; code: string; message: string; retryAt: Date } {
  return { ok: false, kind: 'failed', code: `store_${error.code}`, message: error.message, retryAt: error.retryAfterMs ? new Date(Date.now() + error.retryAfterMs) : backoffAt(attempts) };
}
