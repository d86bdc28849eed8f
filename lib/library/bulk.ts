import { and, desc, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/handle';
import { assets, type Asset } from '@/db/schema';
import { isPersonText, type Editor } from '@/lib/alt';
import { catalogueFields, MAX_TAG_LENGTH, MAX_TAGS, normaliseTags } from '@/lib/catalogue';
import { recordEvents } from '@/lib/events';
import { assetFilterSchema, filterSql, type AssetFilter } from '@/lib/filters';
import { decide, type ItemResult as ReviewItemResult } from '@/lib/review';
import { text } from '@/lib/text-input';
import type { Result } from '@/lib/result';
import { checkIds, chunks, MAX_BULK_ITEMS, moveToTrash, type ItemResult } from './trash';

/**
 * Bulk actions on the library: add or remove tags, set the collection, regenerate AI alt text, mark
 * decorative, delete (to the trash). The selection is either ids the person picked or the library's filter,
 * resolved here on the server ("select all matching"), at most MAX_BULK_ITEMS. Work goes one transaction per
 * chunk of ITEM_CHUNK; every asset gets its own answer (ok, skipped with why, failed with why).
 */

export const bulkSelectionSchema = z.union([
  z
    .object({
      ids: z
        .array(text().max(100))
        .min(1, 'select at least one asset')
        .max(MAX_BULK_ITEMS, `at most ${MAX_BULK_ITEMS} assets per call: send the rest in another`),
    })
    .strict(),
  z.object({ filter: assetFilterSchema }).strict(),
]);

export type BulkSelection = z.infer<typeof bulkSelectionSchema>;

const tagList = z
  .array(text().trim().min(1, 'a tag cannot be empty').max(MAX_TAG_LENGTH, `a tag is at most ${MAX_TAG_LENGTH} characters`))
  .min(1, 'name at least one tag')
  .max(MAX_TAGS, `at most ${MAX_TAGS} tags`);

export const bulkActionSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('add_tags'), tags: tagList, selection: bulkSelectionSchema }).strict(),
  z.object({ action: z.literal('remove_tags'), tags: tagList, selection: bulkSelectionSchema }).strict(),
  /** null or "" clears the collection. */
  z.object({ action: z.literal('set_collection'), collection: catalogueFields.collection.unwrap(), selection: bulkSelectionSchema }).strict(),
  z.object({ action: z.literal('regenerate'), selection: bulkSelectionSchema }).strict(),
  z.object({ action: z.literal('decorative'), selection: bulkSelectionSchema }).strict(),
  z.object({ action: z.literal('delete'), selection: bulkSelectionSchema }).strict(),
]);

export type BulkAction = z.infer<typeof bulkActionSchema>;
export type BulkActionName = BulkAction['action'];

/** A person, or `API token "…"`: recorded as who decided, wrote or deleted. */
export type BulkActor = Editor;

export interface BulkSummary {
  action: BulkActionName;
  /** Assets the selection named (ids sent, or matching the filter). */
  selected: number;
  counts: Record<ItemResult['outcome'], number>;
  results: ItemResult[];
}

export type BulkResult = Result<{ summary: BulkSummary }, { kind: 'too_many'; matched: number; message: string }>;

/** The assets a filter matches, newest first as the library shows them; refused past MAX_BULK_ITEMS. */
export async function idsMatching(db: Db, filter: AssetFilter): Promise<Result<{ ids: string[] }, { kind: 'too_many'; matched: number; message: string }>> {
  const found = await db
    .select({ id: assets.id })
    .from(assets)
    .where(filterSql(filter, 'assets'))
    .orderBy(desc(assets.createdAt), desc(assets.id))
    .limit(MAX_BULK_ITEMS + 1);
  if (found.length > MAX_BULK_ITEMS) {
    const [{ matched }] = await db.select({ matched: sql<number>`count(*)::int` }).from(assets).where(filterSql(filter, 'assets'));
    return { ok: false, kind: 'too_many', matched, message: `${matched} assets match; a bulk action takes at most ${MAX_BULK_ITEMS}. Narrow the search or filter and run it in parts.` };
  }
  return { ok: true, ids: found.map((row) => row.id) };
}

export async function runBulkAction(db: Db, request: BulkAction, actor: BulkActor): Promise<BulkResult> {
  let raw: readonly string[];
  if ('ids' in request.selection) raw = request.selection.ids;
  else {
    const matching = await idsMatching(db, request.selection.filter);
    if (!matching.ok) return matching;
    raw = matching.ids;
  }
  const results = request.action === 'delete' ? await moveToTrash(db, raw, actor.name) : await act(db, request, raw, actor);
  const counts = { ok: 0, skipped: 0, failed: 0 };
  for (const result of results) counts[result.outcome] += 1;
  return { ok: true, summary: { action: request.action, selected: raw.length, counts, results } };
}

type Row = Pick<Asset, 'id' | 'tags' | 'collection' | 'deletedAt' | 'state' | 'altSource' | 'altStatus' | 'altText' | 'decorative' | 'version'>;

/** What the action would do to one asset: a change (new tags or collection, or go ahead), or why not. */
type Plan = { change: true; tags?: string[] } | { change: false; outcome: 'skipped' | 'failed'; reason: string };

const skip = (reason: string): Plan => ({ change: false, outcome: 'skipped', reason });
const fail = (reason: string): Plan => ({ change: false, outcome: 'failed', reason });
const NOT_UPLOADED: ReadonlySet<Asset['state']> = new Set(['awaiting_upload', 'failed_upload']);
const NOT_DESCRIBABLE: ReadonlySet<Asset['state']> = new Set(['stored', 'failed_derive']);

function plan(request: Exclude<BulkAction, { action: 'delete' }>, row: Row): Plan {
  if (row.deletedAt) return skip('it is in the trash: restore it first');
  if (NOT_UPLOADED.has(row.state)) return fail('its upload never completed');
  switch (request.action) {
    case 'add_tags': {
      const tags = normaliseTags([...row.tags, ...request.tags]);
      if (tags.length === row.tags.length) return skip('it already has these tags');
      if (tags.length > MAX_TAGS) return fail(`it would have more than ${MAX_TAGS} tags`);
      return { change: true, tags };
    }
    case 'remove_tags': {
      const removed = new Set(request.tags.map((tag) => tag.toLowerCase()));
      const tags = row.tags.filter((tag) => !removed.has(tag.toLowerCase()));
      return tags.length === row.tags.length ? skip('it has none of these tags') : { change: true, tags };
    }
    case 'set_collection':
      return row.collection === request.collection ? skip(request.collection ? 'it is already in this collection' : 'it has no collection') : { change: true };
    case 'regenerate':
      if (isPersonText(row.altSource)) return skip('a person wrote its alt text, which is never replaced by the model');
      if (row.altStatus === 'approved') return skip('its alt text was approved by a person');
      if (row.decorative || row.altStatus === 'decorative') return skip('it is marked decorative (no alt text needed)');
      if (NOT_DESCRIBABLE.has(row.state)) return skip(row.state === 'stored' ? 'it is still being processed; alt text follows by itself' : 'it could not be processed, so there is nothing to describe');
      return { change: true };
    case 'decorative':
      if (row.decorative || row.altStatus === 'decorative') return skip('it is already decorative');
      if (isPersonText(row.altSource) && row.altText) return skip('a person wrote its alt text: mark it decorative on its own page if that is meant');
      return { change: true };
  }
}

const tagArray = (tags: readonly string[]) => (tags.length ? sql`array[${sql.join(tags.map((tag) => sql`${tag}`), sql`, `)}]::text[]` : sql`'{}'::text[]`);

async function act(db: Db, request: Exclude<BulkAction, { action: 'delete' }>, raw: readonly string[], actor: BulkActor): Promise<ItemResult[]> {
  const { ids, answered } = checkIds(raw);
  const results: ItemResult[] = [...answered];
  for (const chunk of chunks(ids)) {
    const planned = await db.transaction(async (tx) => {
      // Locked until the chunk commits: what was planned is what gets written.
      const found = await tx
        .select({
          id: assets.id,
          tags: assets.tags,
          collection: assets.collection,
          deletedAt: assets.deletedAt,
          state: assets.state,
          altSource: assets.altSource,
          altStatus: assets.altStatus,
          altText: assets.altText,
          decorative: assets.decorative,
          version: assets.version,
        })
        .from(assets)
        .where(inArray(assets.id, chunk))
        .for('update');
      const byId = new Map(found.map((row) => [row.id, row]));
      const go: Array<{ row: Row; tags?: string[] }> = [];
      for (const id of chunk) {
        const row = byId.get(id);
        const verdict = row ? plan(request, row) : fail('no such asset: it may have been purged');
        if (verdict.change && row) go.push({ row, tags: verdict.tags });
        else if (!verdict.change) results.push({ id, outcome: verdict.outcome, reason: verdict.reason });
      }
      if (go.length === 0 || request.action === 'regenerate' || request.action === 'decorative') return go;
      if (request.action === 'set_collection') {
        await tx
          .update(assets)
          .set({ collection: request.collection, version: sql`${assets.version} + 1`, updatedAt: sql`now()` })
          .where(inArray(assets.id, go.map((item) => item.row.id)));
      } else {
        const values = sql.join(go.map((item) => sql`(${item.row.id}::uuid, ${tagArray(item.tags ?? [])})`), sql`, `);
        await tx.execute(sql`update assets a set tags = v.tags, version = a.version + 1, updated_at = now() from (values ${values}) as v(id, tags) where a.id = v.id`);
      }
      // Tags are part of what search embeds: the event's subscriber re-embeds, behind interactive work.
      await recordEvents(tx, 'asset.updated', go.map((item) => item.row.id));
      for (const item of go) results.push({ id: item.row.id, outcome: 'ok' });
      return [];
    });
    if (planned.length && (request.action === 'regenerate' || request.action === 'decorative')) {
      results.push(...(await decideAltText(db, request.action, planned, actor)));
    }
  }
  return results;
}

/**
 * Regenerate and decorative are review decisions (lib/review): the same version-guarded write, history row
 * (undoable) and, for regenerate, a describe job through lib/jobs with the AI proposal set aside. A person's
 * text is never touched (the review's own conditions say so again in the UPDATE).
 */
async function decideAltText(db: Db, action: 'regenerate' | 'decorative', planned: Array<{ row: Row }>, actor: BulkActor): Promise<ItemResult[]> {
  const { results } = await decide(db, action, planned.map(({ row }) => ({ id: row.id, version: row.version, text: null })), actor);
  return results.map((result: ReviewItemResult): ItemResult => {
    switch (result.outcome) {
      case 'done':
        return { id: result.id, outcome: 'ok' };
      case 'not_applicable':
        return { id: result.id, outcome: 'skipped', reason: result.message?.replace(/^nothing to do: /, '') ?? 'nothing to do' };
      case 'conflict':
        return { id: result.id, outcome: 'failed', reason: 'it changed while this ran: look at it again' };
      default:
        return { id: result.id, outcome: 'failed', reason: result.message ?? 'it could not be changed' };
    }
  });
}

/** Counts for "select all N matching": how many assets the filter matches in the library. */
export async function countMatching(db: Db, filter: AssetFilter): Promise<number> {
  const [{ count }] = await db.select({ count: sql<number>`count(*)::int` }).from(assets).where(filterSql(filter, 'assets'));
  return count;
}
