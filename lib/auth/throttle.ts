import { and, gt, inArray, sql, eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { signinThrottle } from '@/db/schema';

/**
 * Failed sign-ins are counted per account (`email:<address>`) and per client address (`ip:<address>`) within a
 * one-hour window. After a few free attempts each further failure makes the key wait (1 s, 2 s, 4 s … 30 s);
 * at the lock threshold it is locked for 15 minutes. Addresses get more room than accounts, since an office
 * shares one. The clock is a parameter so the schedule can be tested without waiting.
 */

interface Policy {
  freeFailures: number;
  lockAt: number;
}

const ACCOUNT: Policy = { freeFailures: 3, lockAt: 10 };
const ADDRESS: Policy = { freeFailures: 10, lockAt: 50 };
const WINDOW_MS = 60 * 60_000;
const LOCK_MS = 15 * 60_000;
const MAX_DELAY_MS = 30_000;

export interface ThrottleKey {
  key: string;
  policy: Policy;
}

export function throttleKeys(email: string, address: string): ThrottleKey[] {
  return [
    { key: `email:${email}`, policy: ACCOUNT },
    { key: `ip:${address}`, policy: ADDRESS },
  ];
}

/** How long a key must wait after its `failures`-th failure. */
export function waitAfter(failures: number, policy: Policy): number {
  if (failures >= policy.lockAt) return LOCK_MS;
  if (failures <= policy.freeFailures) return 0;
  return Math.min(2 ** (failures - policy.freeFailures - 1) * 1000, MAX_DELAY_MS);
}

/** The moment every key is free again, or null when none is waiting. */
export async function lockedUntil(db: Db, keys: ThrottleKey[], now: Date): Promise<Date | null> {
  const held = await db
    .select({ lockedUntil: signinThrottle.lockedUntil })
    .from(signinThrottle)
    .where(and(inArray(signinThrottle.key, keys.map((k) => k.key)), gt(signinThrottle.lockedUntil, now)));
  const times = held.map((row) => row.lockedUntil?.getTime() ?? 0);
  return times.length ? new Date(Math.max(...times)) : null;
}

/** Counts one failure against every key (a stale window starts over) and sets each key's wait. */
export async function recordFailure(db: Db, keys: ThrottleKey[], now: Date): Promise<void> {
  const windowStart = new Date(now.getTime() - WINDOW_MS);
  for (const { key, policy } of keys) {
    const stale = sql`${signinThrottle.windowStartedAt} < ${windowStart.toISOString()}::timestamptz`;
    const [row] = await db
      .insert(signinThrottle)
      .values({ key, failures: 1, windowStartedAt: now })
      .onConflictDoUpdate({
        target: signinThrottle.key,
        set: {
          failures: sql`case when ${stale} then 1 else ${signinThrottle.failures} + 1 end`,
          windowStartedAt: sql`case when ${stale} then ${now.toISOString()}::timestamptz else ${signinThrottle.windowStartedAt} end`,
        },
      })
      .returning({ failures: signinThrottle.failures });
    const wait = waitAfter(row.failures, policy);
    if (wait > 0) {
      await db.update(signinThrottle).set({ lockedUntil: new Date(now.getTime() + wait) }).where(eq(signinThrottle.key, key));
    }
  }
}

/**
 * A successful sign-in clears the account's count, not the address's: otherwise one valid account would let an
 * attacker reset their address's count between guesses at others.
 */
export async function clearAccount(db: Db, email: string): Promise<void> {
  await db.delete(signinThrottle).where(eq(signinThrottle.key, `email:${email}`));
}
