import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { altHistory, assets, type Asset } from '@/db/schema';
import { recordEvents } from '@/lib/events';
import { JOB_PRIORITY, leaseHeld, type JobLease } from '@/lib/jobs';
import type { AltFailure } from './types';

/**
 * Every write the model's side makes to an asset's alt text. Each is ONE conditional UPDATE: the check that a
 * person has not written the text (and, in the pipeline, that we still hold the asset's claim) happens in the
 * same statement as the write, so a human edit landing mid-generation always wins. A write that lands records
 * alt_text.changed for webhooks in the same transaction.
 */

type AltHistoryInsert = typeof altHistory.$inferInsert;

const notHuman = sql`${assets.altSource} is distinct from 'human'`;

function holdingClaim(lease: JobLease | undefined): SQL | undefined {
  return lease ? leaseHeld(lease) : undefined;
}

export interface AiAltWrite {
  assetId: string;
  text: string;
  provider: string;
  model: string;
  promptVersion: string;
  /**
   * Regeneration (asked for by a person) replaces AI text; the backfill's regeneration ('proposed') only AI
   * text nobody has approved yet; the pipeline only fills an empty slot.
   */
  replaceAi: boolean | 'proposed';
  lease?: JobLease;
  /** How soon what the change causes (re-embedding) runs: the describe job's own priority. */
  priority?: number;
}

/** The updated asset, or null when the text was not written (a person's text, decorative, existing AI text, or a lost claim). */
export async function writeAiAlt(db: Db, write: AiAltWrite): Promise<Asset | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(assets)
      .set({
        altText: write.text,
        altSource: 'ai',
        altStatus: 'proposed',
        altAuthor: write.provider,
        altModel: write.model,
        altPromptVersion: write.promptVersion,
        altUpdatedAt: sql`now()`,
        altAttempts: sql`${assets.altAttempts} + 1`,
        altLastError: null,
        altNextAttemptAt: null,
        version: sql`${assets.version} + 1`,
        updatedAt: sql`now()`,
      })
      .where(
        and(
          eq(assets.id, write.assetId),
          notHuman,
          eq(assets.decorative, false),
          write.replaceAi === true ? undefined : write.replaceAi === 'proposed' ? sql`(${assets.altSource} is null or ${assets.altStatus} = 'proposed')` : sql`${assets.altSource} is null`,
          holdingClaim(write.lease),
        ),
      )
      .returning();
    if (row) await recordEvents(tx, 'alt_text.changed', [row.id], { priority: write.priority ?? JOB_PRIORITY.backfill });
    return row ?? null;
  });
}

/** A failed generation: the alt text stays as it was (empty for a new asset), the backfill retries at `nextAttemptAt`. */
export async function writeAltFailure(
  db: Db,
  failure: { assetId: string; result: AltFailure; nextAttemptAt: Date | null; lease?: JobLease },
): Promise<Asset | null> {
  const counted = failure.result.kind !== 'no_provider';
  const [row] = await db
    .update(assets)
    .set({
      altAttempts: counted ? sql`${assets.altAttempts} + 1` : sql`${assets.altAttempts}`,
      altLastError: failure.result.kind === 'no_provider' ? failure.result.message : `${failure.result.kind}: ${failure.result.message}`,
      altNextAttemptAt: failure.nextAttemptAt,
      updatedAt: sql`now()`,
    })
    .where(and(eq(assets.id, failure.assetId), notHuman, holdingClaim(failure.lease)))
    .returning();
  return row ?? null;
}

/** Decorative and tiny images get alt="" without a model call; a rule, not a model, so no provider or model is named. */
export async function writeDecorativeAlt(db: Db, write: { assetId: string; lease?: JobLease; priority?: number }): Promise<Asset | null> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(assets)
      .set({
        altText: '',
        altStatus: 'decorative',
        altSource: null,
        altAuthor: 'loupe',
        altModel: null,
        altPromptVersion: null,
        altUpdatedAt: sql`now()`,
        altLastError: null,
        altNextAttemptAt: null,
        version: sql`${assets.version} + 1`,
        updatedAt: sql`now()`,
      })
      .where(
        and(
          eq(assets.id, write.assetId),
          notHuman,
          sql`(${assets.altText} is distinct from '' or ${assets.altStatus} <> 'decorative')`,
          holdingClaim(write.lease),
        ),
      )
      .returning();
    if (row) await recordEvents(tx, 'alt_text.changed', [row.id], { priority: write.priority ?? JOB_PRIORITY.backfill });
    return row ?? null;
  });
}

export async function insertAltHistory(db: Db, entries: AltHistoryInsert[]): Promise<void> {
  if (entries.length) await db.insert(altHistory).values(entries);
}

export async function findAsset(db: Db, assetId: string): Promise<Asset | null> {
  const [row] = await db.select().from(assets).where(eq(assets.id, assetId));
  return row ?? null;
}
