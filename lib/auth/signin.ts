import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { users } from '@/db/schema';
import { verifyAgainstDummy, verifyPassword } from './password';
import { fail, type Failure, type Result } from './result';
import { createSession, type NewSession } from './sessions';
import { countAttempt, recordSuccess, throttleKeys } from './throttle';

export interface SignInAttempt {
  email: string;
  password: string;
  address: string;
  now?: Date;
}

/**
 * Counts the attempt (refusing it while the throttle says wait), then checks the password (against a dummy
 * hash for unknown emails), then that the account is active; a success opens a session and clears the count.
 */
export async function signIn(db: Db, attempt: SignInAttempt): Promise<Result<{ userId: string; session: NewSession }>> {
  const now = attempt.now ?? new Date();
  const keys = throttleKeys(attempt.email, attempt.address);
  const verdict = await countAttempt(db, keys, now);
  if (!verdict.allowed) return lockedOut(verdict.until, now);

  const [user] = await db.select().from(users).where(eq(users.email, attempt.email)).limit(1);
  const matches = user ? await verifyPassword(attempt.password, user.passwordHash) : await verifyAgainstDummy(attempt.password);
  if (!matches) {
    return fail('invalid_credentials', 'That email and password do not match an account. Check both and try again.');
  }
  if (!user.active) return fail('account_deactivated', 'This account has been deactivated. Ask an admin of your Loupe to reactivate it.');
  await recordSuccess(db, keys);
  return { ok: true, userId: user.id, session: await createSession(db, user.id, now) };
}

function lockedOut(until: Date, now: Date): Failure {
  const seconds = Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
  const wait = seconds < 120 ? `${seconds} seconds` : `${Math.ceil(seconds / 60)} minutes`;
  return fail(
    'locked_out',
    `Too many failed sign-ins. Wait ${wait} and try again (after ${until.toISOString().slice(11, 19)} UTC).`,
    { headers: { 'Retry-After': String(seconds) }, details: { retryAt: until.toISOString(), retryAfterSeconds: seconds } },
  );
}
