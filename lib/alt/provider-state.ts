import { and, eq, like, or, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { providerState } from '@/db/schema';

/**
 * Provider-wide blocks: after a long 429 or an exhausted quota (until the provider says it is back), and after
 * a retired or unknown model or a refused key (until the configuration changes). While blocked, no instance
 * calls the provider. It lives in provider_state so it spans instances and survives restarts; eval:alt keeps it
 * in memory. The reason starts with the failure kind (`model_unavailable: …`), so a block can say what it is.
 */
export interface ProviderBlock {
  until: Date;
  reason: string;
}

export interface ProviderBackoff {
  currentBlock(provider: string): Promise<ProviderBlock | null>;
  block(provider: string, until: Date, reason: string): Promise<void>;
}

/** Kinds whose block only a configuration change lifts (the start-up model check lifts them once the model is served). */
export const CONFIGURATION_BLOCK_KINDS = ['model_unavailable', 'invalid_key'] as const;

export function databaseBackoff(db: Db): ProviderBackoff {
  return {
    async currentBlock(provider) {
      const [row] = await db
        .select({ until: providerState.blockedUntil, reason: providerState.reason })
        .from(providerState)
        .where(sql`${providerState.provider} = ${provider} and ${providerState.blockedUntil} > now()`);
      return row?.until ? { until: row.until, reason: row.reason ?? '' } : null;
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
  const blocks = new Map<string, ProviderBlock>();
  return {
    async currentBlock(provider) {
      const block = blocks.get(provider);
      return block && block.until.getTime() > Date.now() ? block : null;
    },
    async block(provider, until, reason) {
      const current = blocks.get(provider);
      if (!current || current.until < until) blocks.set(provider, { until, reason });
    },
  };
}

/** Lifts a block by hand (an admin who raised their plan), and any hold on the pacer's schedule; also used by tests. */
export async function clearProviderBlock(db: Db, provider: string): Promise<void> {
  await db.update(providerState).set({ blockedUntil: null, nextCallAt: null, updatedAt: sql`now()` }).where(eq(providerState.provider, provider));
}

/** Lifts a block that a bad model or key caused, leaving a rate-limit block in place. */
export async function clearConfigurationBlock(db: Db, provider: string): Promise<void> {
  await db
    .update(providerState)
    .set({ blockedUntil: null, updatedAt: sql`now()` })
    .where(and(eq(providerState.provider, provider), or(...CONFIGURATION_BLOCK_KINDS.map((kind) => like(providerState.reason, `${kind}:%`)))));
}
