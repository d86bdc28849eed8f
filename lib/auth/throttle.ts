import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { signinThrottle } from '@/db/schema';

/**
 * Sign-in attempts are counted within a one-hour window under three keys, each with its own policy:
 * - `login:<email>|<address>`: one address guessing one account: after 3 free attempts each further one waits
 *   (1 s, 2 s, 4 s … 30 s), and the 10th locks that pair for 15 minutes;
 * - `ip:<address>`: one address guessing across accounts: 10 free, locked at 50 (an office shares an address);
 * - `email:<email>`: the account from everywhere (guesses spread over many addresses): slowed down the same way
 *   but never locked, and its wait holds back only addresses that have been failing. An address with no failed
 *   attempt in the window (for any account) gets its attempt checked, so the owner signing in from their own
 *   address gets in however many wrong passwords others keep sending; each such address gets that one check,
 *   after which it is failing too and waits like the rest.
 * Every attempt is counted before its password is checked, in one transaction that locks the keys' rows: of 40
 * guesses sent at once, only those the schedule allows get as far as the password. The clock is a parameter so
 * the schedule can be tested without waiting.
 */

interface Policy {
  freeAttempts: number;
  /** The attempt that locks the key for LOCK_MS; null: the key is only ever slowed down. */
  lockAt: number | null;
  /** Whether the key counts one address's attempts (so its failures make the address a failing one). */
  perAddress: boolean;
}

const PAIR: Policy = { freeAttempts: 3, lockAt: 10, perAddress: true };
const ADDRESS: Policy = { freeAttempts: 10, lockAt: 50, perAddress: true };
const ACCOUNT: Policy = { freeAttempts: 3, lockAt: null, perAddress: false };
const WINDOW_MS = 60 * 60_000;
const LOCK_MS = 15 * 60_000;
const MAX_DELAY_MS = 30_000;

export interface ThrottleKey {
  key: string;
  policy: Policy;
}

export function throttleKeys(email: string, address: string): ThrottleKey[] {
  return [
    { key: `login:${email}|${address}`, policy: PAIR },
    { key: `ip:${address}`, policy: ADDRESS },
    { key: `email:${email}`, policy: ACCOUNT },
  ];
}

/** How long a key must wait after its `attempts`-th attempt before the next. */
export function waitAfter(attempts: number, policy: Pick<Policy, 'freeAttempts' | 'lockAt'>): number {
  if (policy.lockAt !== null && attempts >= policy.lockAt) return LOCK_MS;
  if (attempts <= policy.freeAttempts) return 0;
  return Math.min(2 ** (attempts - policy.freeAttempts - 1) * 1000, MAX_DELAY_MS);
}

export type AttemptVerdict = { allowed: true } | { allowed: false; until: Date };

/**
 * Counts one attempt against every key, unless one of them holds it back: then nothing is counted and the
 * caller is told until when. A key that counts this address holds back while it waits; the account's key only
 * when this address has failed within the window. Rows are locked in key order, so concurrent attempts queue
 * rather than deadlock (and of many sent at once from a clean address, only the first finds it clean).
 */
export async function countAttempt(db: Db, keys: ThrottleKey[], now: Date): Promise<AttemptVerdict> {
  const names = keys.map((k) => k.key);
  return db.transaction(async (tx) => {
    await tx
      .insert(signinThrottle)
      .values(names.map((key) => ({ key, failures: 0, windowStartedAt: now })))
      .onConflictDoNothing();
    const rows = await tx.select().from(signinThrottle).where(inArray(signinThrottle.key, names)).orderBy(asc(signinThrottle.key)).for('update');
    const windowStart = now.getTime() - WINDOW_MS;
    const rowOf = (key: string) => rows.find((row) => row.key === key);
    /** Attempts within the window; an older count is forgotten (a lock it set still runs its course). */
    const recent = (key: string) => {
      const row = rowOf(key);
      return row && row.windowStartedAt.getTime() >= windowStart ? row : undefined;
    };
    const addressFailing = keys.some(({ key, policy }) => policy.perAddress && (recent(key)?.failures ?? 0) > 0);
    const waiting = keys
      .filter(({ policy }) => policy.perAddress || addressFailing)
      .map(({ key }) => rowOf(key)?.lockedUntil?.getTime() ?? 0)
      .filter((until) => until > now.getTime());
    if (waiting.length) return { allowed: false as const, until: new Date(Math.max(...waiting)) };
    for (const { key, policy } of keys) {
      const row = recent(key);
      const attempts = (row?.failures ?? 0) + 1;
      const wait = waitAfter(attempts, policy);
      await tx
        .update(signinThrottle)
        .set({ failures: attempts, windowStartedAt: row?.windowStartedAt ?? now, lockedUntil: wait > 0 ? new Date(now.getTime() + wait) : null })
        .where(eq(signinThrottle.key, key));
    }
    return { allowed: true as const };
  });
}

/**
 * A successful sign-in clears the account's keys, and gives the address back the attempt it used (not more:
 * one valid account must not let an attacker reset their address's count between guesses at others).
 */
export async function recordSuccess(db: Db, keys: ThrottleKey[]): Promise<void> {
  const [pair, address, account] = keys;
  await db.delete(signinThrottle).where(inArray(signinThrottle.key, [pair.key, account.key]));
  await db
    .update(signinThrottle)
    .set({
      failures: sql`greatest(${signinThrottle.failures} - 1, 0)`,
      lockedUntil: sql`case when ${signinThrottle.failures} - 1 <= ${address.policy.freeAttempts} then null else ${signinThrottle.lockedUntil} end`,
    })
    .where(eq(signinThrottle.key, address.key));
}
