import { eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { providerState } from '@/db/schema';

/**
 * Provider-wide back-off after a long 429 or an exhausted quota: while blocked, no instance calls the
 * provider. It lives in provider_state so it spans instances and survives restarts; eval:alt keeps it in memory.
 */
export interface ProviderBackoff {
  blockedUntil(provider: string): Promise<Date | null>;
  block(provider: string, until: Date, reason: string): Promise<void>;
}

export function databaseBackoff(db: Db): ProviderBackoff {
  return {
    async blockedUntil(provider) {
      const [row] = await db
        .select({ blockedUntil: providerState.blockedUntil })
        .from(providerState)
        .where(sql`${providerState.provider} = ${provider} and ${providerState.blockedUntil} > now()`);
      return row?.blockedUntil ?? null;
    },
    async block(provider, until, reason) {
      // Never shortens an existing block: two instances hitting different limits keep the later one.
      await db
        .insert(providerState)
        .values({ provider, blockedUntil: until, reason })
        .onConflictDoUpdate({
          target: providerState.provider,
          set: {
            blockedUntil: sql`greatest(${providerState.blockedUntil}, excluded.blocked_until)`,
            reason: sql`case when ${providerState.blockedUntil} > excluded.blocked_until then ${providerState.reason} else excluded.reason end`,
            updatedAt: sql`now()`,
          },
        });
    },
  };
}

export function memoryBackoff(): ProviderBackoff {
  const blocks = new Map<string, Date>();
  return {
    async blockedUntil(provider) {
      const until = blocks.get(provider);
      return until && until.getTime() > Date.now() ? until : null;
    },
    async block(provider, until) {
      const current = blocks.get(provider);
      if (!current || current < until) blocks.set(provider, until);
    },
  };
}

/** Lifts a block by hand (an admin who raised their plan), and any hold on the pacer's schedule; also used by tests. */
export async function clearProviderBlock(db: Db, provider: string): Promise<void> {
  await db.update(providerState).set({ blockedUntil: null, nextCallAt: null, updatedAt: sql`now()` }).where(eq(providerState.provider, provider));
}
