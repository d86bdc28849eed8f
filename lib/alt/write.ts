import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { Db } from '@/db/client';
import { altHistory, assets, type Asset } from '@/db/schema';
import { recordEvents, type EventType } from '@/lib/events';
import { leaseHeld, type JobLease, type Queryable } from '@/lib/jobs';
import { mirrorSourceRecords } from './records';
import type { AltFailure } from './types';

/**
 * Every write of an asset's alt text goes through writeAlt: a person's edit, an API token's proposal, the
 * model's output, an import (and a shop's text, with connectors). ONE conditional UPDATE (the writer's
 * conditions — the version it saw, no person's text, a held lease — are checked in the statement that writes,
 * so a person's edit landing mid-generation always wins), then its alt_history rows and its events, all in the
 * caller's transaction. Review decisions, thousands at a time, are set-based SQL in lib/review that records the
 * same events (altEvents) in its own transaction.
 */

type AltHistoryInsert = typeof altHistory.$inferInsert;
export type AssetUpdate = PgUpdateSetSource<typeof assets>;

export interface AltWrite {
  assetId: string;
  /** The alt-text columns, and any other columns the same change sets (a person's edit of tags and title). */
  set: AssetUpdate;
  /** What must still hold for the write to land, besides the asset's id. */
  when?: SQL;
  /** History rows for the row as written (the asset id is filled in). */
  history?: (row: Asset) => Omit<AltHistoryInsert, 'assetId'>[];
  /** The events the change records, for the row as written (altEvents for a text change). */
  events: (row: Asset) => readonly EventType[];
  /** How soon the work the events cause (re-embedding) runs: JOB_PRIORITY; background unless a person waits. */
  priority?: number;
}

/** The updated asset, or null when the write did not land (its conditions no longer held). */
export async function writeAlt(tx: Queryable, write: AltWrite): Promise<Asset | null> {
  const [row] = await tx
    .update(assets)
    .set({ ...write.set, version: sql`${assets.version} + 1`, updatedAt: sql`now()` })
    .where(and(eq(assets.id, write.assetId), write.when))
    .returning();
  if (!row) return null;
  // The asset's alt columns are the source locale's record, projected: both change in this transaction.
  await mirrorSourceRecords(tx, [row.id]);
  const history = write.history?.(row) ?? [];
  if (history.length) await tx.insert(altHistory).values(history.map((entry) => ({ ...entry, assetId: row.id })));
  await recordEvents(tx, write.events(row), [row.id], { priority: write.priority });
  return row;
}

/** What a change of alt text records: that it changed, and that it is approved when the text now standing is. */
export function altEvents(row: Pick<Asset, 'altStatus'>): EventType[] {
  return row.altStatus === 'approved' ? ['alt_text.changed', 'alt_text.approved'] : ['alt_text.changed'];
}

/** No person's text stands: none at all, or the model's (a store's text is a person's too). */
const notHuman = sql`(${assets.altSource} is null or ${assets.altSource} = 'ai')`;

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
  return db.transaction((tx) => writeAlt(tx, aiAltWrite(write)));
}

/** The model's text as one writeAlt: online (writeAiAlt) or a Batch API answer, which adds its version guard and history. */
export function aiAltWrite(write: AiAltWrite): AltWrite {
  return {
    assetId: write.assetId,
    set: {
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
    },
    when: and(
      notHuman,
      eq(assets.decorative, false),
      write.replaceAi === true ? undefined : write.replaceAi === 'proposed' ? sql`(${assets.altSource} is null or ${assets.altStatus} = 'proposed')` : sql`${assets.altSource} is null`,
      holdingClaim(write.lease),
    ),
    // The attempts behind it (and their history) are the describe step's: it writes them whatever came of them.
    events: altEvents,
    priority: write.priority,
  };
}

/** A failed generation: the alt text stays as it was (empty for a new asset), the backfill retries at `nextAttemptAt`. In the caller's transaction (the asset and its record change together). */
export async function writeAltFailure(
  db: Queryable,
  failure: { assetId: string; result: AltFailure; nextAttemptAt: Date | null; lease?: JobLease; /** A Batch API answer's: only onto the row as it was sent. */ expectedVersion?: number },
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
    .where(and(eq(assets.id, failure.assetId), notHuman, holdingClaim(failure.lease), failure.expectedVersion === undefined ? undefined : eq(assets.version, failure.expectedVersion)))
    .returning();
  if (!row) return null;
  // The record keeps the failure as code and message, never parsed back from the asset's prose.
  await mirrorSourceRecords(db, [row.id], { code: failure.result.kind, message: failure.result.message });
  return row;
}

/** Decorative and tiny images get alt="" without a model call; a rule, not a model, so no provider or model is named. */
export async function writeDecorativeAlt(db: Db, write: { assetId: string; lease?: JobLease; priority?: number }): Promise<Asset | null> {
  return db.transaction((tx) =>
    writeAlt(tx, {
      assetId: write.assetId,
      set: {
        altText: '',
        altStatus: 'decorative',
        altSource: null,
        altAuthor: 'loupe',
        altModel: null,
        altPromptVersion: null,
        altUpdatedAt: sql`now()`,
        altLastError: null,
        altNextAttemptAt: null,
      },
      when: and(notHuman, sql`(${assets.altText} is distinct from '' or ${assets.altStatus} <> 'decorative')`, holdingClaim(write.lease)),
      events: altEvents,
      priority: write.priority,
    }),
  );
}

export interface ShopAltWrite {
  assetId: string;
  text: string;
  /** The version the caller decided on: a person's edit landing in between wins (nothing is written). */
  expectedVersion: number;
  /** Shown as the author: the store's name (a sync), or the person who took the store's text (a conflict decided). */
  author: string;
  /** The person who decided, when one did. */
  userId?: string | null;
  /** For the history: where the text came from. */
  message: string;
}

/**
 * A connected store's alt text arriving in Loupe (lib/connections' sync): a person's text, written in the shop,
 * so it is approved as it stands with source `shop`, and the model never replaces it. Written in the caller's
 * transaction (the sync's page), with its history entry, its events and its re-embedding.
 */
export async function writeShopAlt(tx: Queryable, write: ShopAltWrite): Promise<Asset | null> {
  return writeAlt(tx, {
    assetId: write.assetId,
    set: {
      altText: write.text,
      altSource: 'shop',
      altStatus: 'approved',
      altAuthor: write.author,
      altModel: null,
      altPromptVersion: null,
      altUpdatedAt: sql`now()`,
      altLastError: null,
      altNextAttemptAt: null,
      decorative: false,
    },
    when: eq(assets.version, write.expectedVersion),
    history: () => [{ event: 'imported', text: write.text, source: 'shop', userId: write.userId ?? null, outcome: 'written', message: write.message }],
    events: altEvents,
  });
}

export async function insertAltHistory(db: Db, entries: AltHistoryInsert[]): Promise<void> {
  if (entries.length) await db.insert(altHistory).values(entries);
}

export async function findAsset(db: Db, assetId: string): Promise<Asset | null> {
  const [row] = await db.select().from(assets).where(eq(assets.id, assetId));
  return row ?? null;
}
