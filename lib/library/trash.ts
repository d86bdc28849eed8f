import { randomUUID } from 'node:crypto';
import { and, desc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import { notTrashedSql } from '@/lib/filters';
import { rows } from '@/db/client';
import type { Db } from '@/db/handle';
import { assets, jobs } from '@/db/schema';
import { decodeCursor, encodeCursor, isUuid } from '@/lib/assets';
import { config } from '@/lib/config';
import { enqueueJob, JOB_PRIORITY } from '@/lib/jobs';
import { getStorage, type Storage } from '@/lib/storage';
import type { Result } from '@/lib/result';
import { recordEvents } from '@/lib/events';
import { purgeClaimed, purgeDate } from './purge-step';

/**
 * The trash. Deleting an asset moves it here (deleted_at, deleted_by): it leaves the library, search, review,
 * coverage, export and the backfill, its work pauses, its files stay, and an editor can restore it. TRASH_DAYS
 * later its purge job (lib/jobs, run by the server's sweeper like any other job) deletes the files, then the
 * row. An admin can empty the trash at once. A purge holds the purge job's lease while it deletes; a restore
 * is refused while that lease is live, so no asset comes back without its files.
 */

/** What happened to one asset of a bulk action or a trash operation. */
export interface ItemResult {
  id: string;
  outcome: 'ok' | 'skipped' | 'failed';
  /** Why it was skipped or failed, for a person. */
  reason?: string;
}

/** Assets per transaction: short locks, few round trips. */
export const ITEM_CHUNK = 500;
/** Most assets one call acts on (ids sent, or matching a filter). */
export const MAX_BULK_ITEMS = 10_000;

/** Ids as sent: malformed ones fail and repeats are skipped, each answered on its own; the rest go ahead, lower-cased. */
export function checkIds(raw: readonly string[]): { ids: string[]; answered: ItemResult[] } {
  const ids: string[] = [];
  const answered: ItemResult[] = [];
  const seen = new Set<string>();
  for (const value of raw) {
    const id = value.toLowerCase();
    if (!isUuid(value)) answered.push({ id: value.slice(0, 100), outcome: 'failed', reason: 'not an asset id (a UUID)' });
    else if (seen.has(id)) answered.push({ id, outcome: 'skipped', reason: 'listed more than once; acted on once' });
    else {
      seen.add(id);
      ids.push(id);
    }
  }
  return { ids, answered };
}

export function chunks<T>(items: readonly T[], size = ITEM_CHUNK): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

/** Moves assets to the trash and schedules each one's purge; one transaction per chunk. */
export async function moveToTrash(db: Db, rawIds: readonly string[], deletedBy: string): Promise<ItemResult[]> {
  const { ids, answered } = checkIds(rawIds);
  const results = [...answered];
  for (const chunk of chunks(ids)) {
    await db.transaction(async (tx) => {
      const trashed = await tx
        .update(assets)
        .set({ deletedAt: sql`now()`, deletedBy, updatedAt: sql`now()` })
        .where(and(inArray(assets.id, chunk), notTrashedSql('assets')))
        .returning();
      for (const row of trashed) {
        await enqueueJob(tx, { assetId: row.id, kind: 'purge', priority: JOB_PRIORITY.backfill, notBefore: purgeDate(row.deletedAt ?? new Date()), force: true });
      }
      // For a shop or a sync, the photo is gone when a person deletes it, not when the trash is purged later;
      // the event says until when it can still come back.
      await recordEvents(
        tx,
        'asset.deleted',
        trashed.map((row) => row.id),
        { extra: new Map(trashed.map((row) => [row.id, { trashed: true, purgeAt: purgeDate(row.deletedAt ?? new Date()).toISOString() }])) },
      );
      const done = new Set(trashed.map((row) => row.id));
      const already = new Set(
        (await tx.select({ id: assets.id }).from(assets).where(and(inArray(assets.id, chunk.filter((id) => !done.has(id))), isNotNull(assets.deletedAt)))).map((row) => row.id),
      );
      for (const id of chunk) {
        if (done.has(id)) results.push({ id, outcome: 'ok' });
        else if (already.has(id)) results.push({ id, outcome: 'skipped', reason: 'already in the trash' });
        else results.push({ id, outcome: 'failed', reason: 'no such asset: it may have been purged' });
      }
    });
  }
  return results;
}

/** A purge holding the asset's purge job (its lease is live): the files may already be going. */
const purgeInProgress = sql`exists (select 1 from ${jobs} j where j.asset_id = ${assets.id} and j.kind = 'purge' and j.status = 'running' and j.claimed_until > now())`;

/** Takes assets out of the trash, back into the library, and cancels their purge. */
export async function restoreFromTrash(db: Db, rawIds: readonly string[]): Promise<ItemResult[]> {
  const { ids, answered } = checkIds(rawIds);
  const results = [...answered];
  for (const chunk of chunks(ids)) {
    await db.transaction(async (tx) => {
      const restored = await tx
        .update(assets)
        .set({ deletedAt: null, deletedBy: null, updatedAt: sql`now()` })
        .where(and(inArray(assets.id, chunk), isNotNull(assets.deletedAt), sql`not ${purgeInProgress}`))
        .returning({ id: assets.id });
      const done = new Set(restored.map((row) => row.id));
      if (done.size) await tx.delete(jobs).where(and(inArray(jobs.assetId, [...done]), eq(jobs.kind, 'purge')));
      const others = chunk.filter((id) => !done.has(id));
      const found = new Map(
        (others.length ? await tx.select({ id: assets.id, deletedAt: assets.deletedAt }).from(assets).where(inArray(assets.id, others)) : []).map((row) => [row.id, row]),
      );
      for (const id of chunk) {
        const row = found.get(id);
        if (done.has(id)) results.push({ id, outcome: 'ok' });
        else if (!row) results.push({ id, outcome: 'failed', reason: 'no such asset: it may have been purged' });
        else if (!row.deletedAt) results.push({ id, outcome: 'skipped', reason: 'not in the trash' });
        else results.push({ id, outcome: 'failed', reason: 'it is being purged right now' });
      }
    });
  }
  return results;
}

export interface TrashEntry {
  id: string;
  filename: string;
  deletedAt: string;
  deletedBy: string | null;
  /** When the purge removes it for good. */
  purgeAt: string;
  thumbnailUrl: string | null;
}

/** One trashed asset (for its page's "this was deleted" notice); null when it is not in the trash. */
export async function trashEntry(db: Db, id: string, storage?: Storage): Promise<TrashEntry | null> {
  if (!isUuid(id)) return null;
  const [row] = await db.select().from(assets).where(and(eq(assets.id, id), isNotNull(assets.deletedAt)));
  return row ? toEntry(row, storage ?? (await getStorage())) : null;
}

async function toEntry(row: typeof assets.$inferSelect, storage: Storage): Promise<TrashEntry> {
  const deletedAt = row.deletedAt ?? new Date();
  const grid = row.derivatives?.grid;
  return {
    id: row.id,
    filename: row.filename,
    deletedAt: deletedAt.toISOString(),
    deletedBy: row.deletedBy,
    purgeAt: purgeDate(deletedAt).toISOString(),
    thumbnailUrl: grid ? await storage.signedGetUrl(grid.key, { expiresInSeconds: config().downloadUrlTtlSeconds, contentType: 'image/webp' }) : null,
  };
}

export type TrashPage = Result<{ items: TrashEntry[]; total: number; nextCursor: string | null }, { code: 'bad_request'; message: string }>;

/** The trash, most recently deleted first, a page at a time. */
export async function trashPage(db: Db, options: { cursor?: string; limit: number }): Promise<TrashPage> {
  const after = options.cursor ? decodeCursor(options.cursor) : null;
  if (options.cursor && !after) return { ok: false, code: 'bad_request', message: 'The cursor is not valid: start again from the first page.' };
  const found = await db
    .select({ asset: assets, deletedAtText: sql<string>`${assets.deletedAt}::text` })
    .from(assets)
    .where(and(isNotNull(assets.deletedAt), after ? sql`(${assets.deletedAt}, ${assets.id}) < (${after.createdAt}::timestamptz, ${after.id}::uuid)` : undefined))
    .orderBy(desc(assets.deletedAt), desc(assets.id))
    .limit(options.limit + 1);
  const [{ total }] = await db.select({ total: sql<number>`count(*)::int` }).from(assets).where(isNotNull(assets.deletedAt));
  const page = found.slice(0, options.limit);
  const last = page.at(-1);
  const storage = await getStorage();
  return {
    ok: true,
    items: await Promise.all(page.map((row) => toEntry(row.asset, storage))),
    total,
    nextCursor: found.length > options.limit && last ? encodeCursor({ createdAt: last.deletedAtText, id: last.asset.id }) : null,
  };
}

/**
 * Empties the trash now (an admin's decision), up to MAX_BULK_ITEMS per call, oldest first: each chunk's purge
 * jobs are taken over (leased, so restores wait) and purged. Assets whose purge another worker holds are left
 * to it. Answers how many were purged and how many remain in the trash.
 */
export async function emptyTrash(db: Db): Promise<{ purged: number; remaining: number }> {
  const storage = await getStorage();
  const token = randomUUID();
  let purged = 0;
  for (let taken = 0; taken < MAX_BULK_ITEMS; taken += ITEM_CHUNK) {
    const batch = await db
      .select({ id: assets.id })
      .from(assets)
      .where(and(isNotNull(assets.deletedAt), sql`not exists (select 1 from ${jobs} j where j.asset_id = ${assets.id} and j.kind = 'purge' and j.claim_token = ${token}::uuid)`))
      .orderBy(assets.deletedAt, assets.id)
      .limit(ITEM_CHUNK);
    if (batch.length === 0) break;
    const claimed = await rows<{ asset_id: string }>(db, sql`
      insert into jobs (asset_id, kind, key, status, priority, claim_token, claimed_until)
      select a.id, 'purge', '', 'running', ${JOB_PRIORITY.interactive}, ${token}::uuid, now() + make_interval(secs => ${config().jobs.leaseSeconds})
      from assets a where a.id in (${sql.join(batch.map((row) => sql`${row.id}::uuid`), sql`, `)}) and a.deleted_at is not null
      on conflict (asset_id, kind, key) do update set status = 'running', claim_token = excluded.claim_token, claimed_until = excluded.claimed_until, updated_at = now()
        where not (jobs.status = 'running' and jobs.claimed_until > now())
      returning asset_id`);
    const ids = claimed.map((row) => row.asset_id);
    purged += await purgeClaimed(db, ids, token, storage);
    if (batch.length < ITEM_CHUNK) break;
  }
  const [{ remaining }] = await db.select({ remaining: sql<number>`count(*)::int` }).from(assets).where(isNotNull(assets.deletedAt));
  return { purged, remaining };
}
