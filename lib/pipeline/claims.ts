import { randomUUID } from 'node:crypto';
import { and, eq, inArray, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { assets, type Asset, type AssetState } from '@/db/schema';

/**
 * Work is claimed in the database, never only in memory: a claim is a lease (`claimed_until`) plus a token
 * (`claim_token`). A crashed worker's lease runs out and anyone may take the asset again; every write a
 * worker makes is conditional on its token still being the asset's, so a reclaimed asset is never written
 * twice. The lease is generous against the slowest step (a 100 MP decode, a slow vision call with retries)
 * and extended at every step boundary rather than by a timer that a busy event loop could starve.
 */
export const LEASE_SECONDS = 300;
/** Attempts of one step before it is given up for good. */
export const MAX_ATTEMPTS = 5;

export const RUNNABLE_STATES = ['stored', 'derived', 'described'] as const satisfies readonly AssetState[];
export type RunnableState = (typeof RUNNABLE_STATES)[number];

export interface Claim {
  asset: Asset;
  token: string;
}

const leaseEnd = sql`now() + make_interval(secs => ${LEASE_SECONDS})`;

/** Not finished, not leased by a live worker, and not waiting for a retry time. */
function isClaimable(): SQL {
  return and(
    inArray(assets.state, [...RUNNABLE_STATES]),
    or(isNull(assets.claimedUntil), lt(assets.claimedUntil, sql`now()`)),
    or(isNull(assets.nextAttemptAt), lte(assets.nextAttemptAt, sql`now()`)),
  ) as SQL;
}

async function claimWhere(condition: SQL): Promise<Claim | null> {
  const db = await getDb();
  const token = randomUUID();
  const candidate = db
    .select({ id: assets.id })
    .from(assets)
    .where(and(condition, isClaimable()))
    .orderBy(assets.createdAt)
    .limit(1)
    .for('update', { skipLocked: true });
  const [asset] = await db
    .update(assets)
    .set({ claimToken: token, claimedUntil: leaseEnd })
    .where(inArray(assets.id, candidate))
    .returning();
  return asset ? { asset, token } : null;
}

/** Claims one given asset, if it has work due and nobody else holds it. */
export function claimAsset(assetId: string): Promise<Claim | null> {
  return claimWhere(eq(assets.id, assetId));
}

/** Claims the oldest asset with work due: never started, abandoned by a crashed worker, or due for a retry. */
export function claimNextPending(): Promise<Claim | null> {
  return claimWhere(sql`true`);
}

function holds(claim: Claim): SQL {
  return and(eq(assets.id, claim.asset.id), eq(assets.claimToken, claim.token)) as SQL;
}

/** Records a finished step: the next state, a cleared error, and a fresh lease for the next step. Null when the claim was lost. */
export async function advance(claim: Claim, state: AssetState): Promise<Asset | null> {
  const db = await getDb();
  const [asset] = await db
    .update(assets)
    .set({ state, errorCode: null, error: null, attempts: 0, nextAttemptAt: null, claimedUntil: leaseEnd, updatedAt: sql`now()` })
    .where(holds(claim))
    .returning();
  return asset ?? null;
}

export interface StepFailure {
  step: string;
  code: string;
  message: string;
  retryAt?: Date;
}

/**
 * Records a failed step on the row and lets go of the asset: with a retry time (and attempts left) it stays in
 * its state for the sweeper to pick up then; otherwise it ends in `failed_<step>`.
 */
export async function recordFailure(claim: Claim, failure: StepFailure): Promise<Asset | null> {
  const db = await getDb();
  const attempts = claim.asset.attempts + 1;
  const retry = failure.retryAt && attempts < MAX_ATTEMPTS;
  const [asset] = await db
    .update(assets)
    .set({
      state: retry ? claim.asset.state : (`failed_${failure.step}` as AssetState),
      errorCode: failure.code,
      error: failure.message,
      attempts,
      nextAttemptAt: retry ? failure.retryAt : null,
      claimToken: null,
      claimedUntil: null,
      updatedAt: sql`now()`,
    })
    .where(holds(claim))
    .returning();
  return asset ?? null;
}

export async function release(claim: Claim): Promise<void> {
  const db = await getDb();
  await db.update(assets).set({ claimToken: null, claimedUntil: null }).where(holds(claim));
}
