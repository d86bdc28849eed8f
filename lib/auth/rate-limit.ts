import { sql } from 'drizzle-orm';
import type { Db } from '@/db/handle';
import { rateLimits } from '@/db/schema';
import { config } from '@/lib/config';
import type { Caller } from './caller';
import { fail, type Result } from './result';

const WINDOW_SECONDS = 60;

export type LimitedAction = 'uploads' | 'regenerations';

const WHAT: Record<LimitedAction, string> = { uploads: 'uploads started', regenerations: 'alt-text regenerations' };

/**
 * Bounds what one account can start per minute (a fixed one-minute window, counted in one atomic upsert, so
 * parallel requests cannot all slip under the limit). A person's tokens and sessions share their count; a server
 * token has its own.
 */
export async function takeRateLimit(db: Db, caller: Caller, action: LimitedAction, now = new Date()): Promise<Result<object>> {
  const limit = action === 'uploads' ? config().rateLimits.uploadsPerMinute : config().rateLimits.regenerationsPerMinute;
  const who = caller.userId ?? `token:${caller.kind === 'token' ? caller.tokenId : ''}`;
  const nowText = now.toISOString();
  const stale = sql`${rateLimits.windowStartedAt} <= ${nowText}::timestamptz - make_interval(secs => ${WINDOW_SECONDS})`;
  const [row] = await db
    .insert(rateLimits)
    .values({ key: `${action}:${who}`, windowStartedAt: now, count: 1 })
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        count: sql`case when ${stale} then 1 else ${rateLimits.count} + 1 end`,
        windowStartedAt: sql`case when ${stale} then ${nowText}::timestamptz else ${rateLimits.windowStartedAt} end`,
      },
    })
    .returning({ count: rateLimits.count, windowStartedAt: rateLimits.windowStartedAt });
  if (row.count <= limit) return { ok: true };
  const seconds = Math.max(1, Math.ceil((row.windowStartedAt.getTime() + WINDOW_SECONDS * 1000 - now.getTime()) / 1000));
  return fail('rate_limited', `Too many ${WHAT[action]}: at most ${limit} a minute per account. Try again in ${seconds} s.`, {
    headers: { 'Retry-After': String(seconds) },
    details: { retryAfterSeconds: seconds },
  });
}

/**
 * Wrong share-link tokens, per client address (share links have no account to count against). `peek` says
 * whether the address is over SHARE_GUESSES_PER_MINUTE, checked before any lookup so a guesser past the limit
 * learns nothing more; `count` records one more wrong token.
 */
export const shareGuesses = {
  async peek(db: Db, address: string, now = new Date()): Promise<Result<object>> {
    const limit = config().rateLimits.shareGuessesPerMinute;
    const [row] = await db
      .select({ count: rateLimits.count, windowStartedAt: rateLimits.windowStartedAt })
      .from(rateLimits)
      .where(sql`${rateLimits.key} = ${guessKey(address)}`);
    if (!row || row.count < limit || row.windowStartedAt.getTime() + WINDOW_SECONDS * 1000 <= now.getTime()) return { ok: true };
    const seconds = Math.max(1, Math.ceil((row.windowStartedAt.getTime() + WINDOW_SECONDS * 1000 - now.getTime()) / 1000));
    return fail('rate_limited', `Too many wrong share links from this address: at most ${limit} a minute. Try again in ${seconds} s.`, {
      headers: { 'Retry-After': String(seconds) },
      details: { retryAfterSeconds: seconds },
    });
  },
  async count(db: Db, address: string, now = new Date()): Promise<void> {
    const nowText = now.toISOString();
    const stale = sql`${rateLimits.windowStartedAt} <= ${nowText}::timestamptz - make_interval(secs => ${WINDOW_SECONDS})`;
    await db
      .insert(rateLimits)
      .values({ key: guessKey(address), windowStartedAt: now, count: 1 })
      .onConflictDoUpdate({
        target: rateLimits.key,
        set: {
          count: sql`case when ${stale} then 1 else ${rateLimits.count} + 1 end`,
          windowStartedAt: sql`case when ${stale} then ${nowText}::timestamptz else ${rateLimits.windowStartedAt} end`,
        },
      });
  },
};

const guessKey = (address: string) => `share_guess:${address}`;
