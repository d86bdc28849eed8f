import { and, desc, inArray, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/handle';
import { assets } from '@/db/schema';
import { assetFilterSchema, filterSql, type AssetFilter } from '@/lib/filters';
import { fail, type Result } from '@/lib/auth';
import { plural } from '@/lib/words';

/**
 * Which photos a download or a share is about: ids a person picked, or the library's filter ("all matching"),
 * resolved here on the server to the ids it matches now, through the one filter language (lib/filters).
 */

/** A ZIP or a share holds at most this many photos. */
export const MAX_DOWNLOAD_PHOTOS = 10_000;

/** The ids schema takes twice the limit, so 10,001 ids get the specific too_many_photos answer rather than a generic one. */
const idList = z
  .array(z.uuid('Not a photo id.'))
  .min(1, 'select at least one photo')
  .max(MAX_DOWNLOAD_PHOTOS * 2, `at most ${MAX_DOWNLOAD_PHOTOS} photos`);

/** `ids` or `filter` (exactly one), as fields of a request body; `onlyOne` checks the choice. */
export const selectionFields = { ids: idList.optional(), filter: assetFilterSchema.optional() };

/** A refinement for a body built on selectionFields (and any other choices): exactly one of `choices` is sent. */
export function onlyOne<T extends Record<string, unknown>>(choices: readonly (keyof T & string)[]) {
  return (body: T, context: z.RefinementCtx) => {
    const sent = choices.filter((choice) => body[choice] !== undefined);
    if (sent.length !== 1) {
      context.addIssue({ code: 'custom', path: sent.length ? [sent[1]] : [], message: `send exactly one of ${choices.join(', ')}` });
    }
  };
}

/** Room for twice MAX_DOWNLOAD_PHOTOS ids (36 characters each, quoted, with commas) and the rest of the body. */
export const SELECTION_MAX_BODY_BYTES = MAX_DOWNLOAD_PHOTOS * 2 * 40 + 64 * 1024;

export type PhotoSelection = { ids: string[] } | { filter: AssetFilter };

const tooMany = (count: number) =>
  fail('too_many_photos', `${plural(count, 'photo')} selected; a download or share holds at most ${MAX_DOWNLOAD_PHOTOS.toLocaleString('en')}. Narrow the filter or pick fewer photos.`, {
    details: { selected: count, limit: MAX_DOWNLOAD_PHOTOS },
  });

/** The ids picked (duplicates dropped, order kept), or those the filter matches now, newest first as the library shows them. */
export async function resolveSelection(db: Db, selection: PhotoSelection): Promise<Result<{ ids: string[] }>> {
  if ('ids' in selection) {
    const ids = [...new Set(selection.ids.map((id) => id.toLowerCase()))];
    return ids.length > MAX_DOWNLOAD_PHOTOS ? tooMany(ids.length) : { ok: true, ids };
  }
  return idsWhere(db, filterSql(selection.filter, 'assets'));
}

/** The library's photos in one collection (any case, as the library's filter matches it). */
export function resolveCollection(db: Db, collection: string): Promise<Result<{ ids: string[] }>> {
  return idsWhere(db, filterSql({ collection }, 'assets'));
}

/** A collection's photos, newest first; one grown past the limit gives its newest MAX_DOWNLOAD_PHOTOS (a live share). */
export async function newestInCollection(db: Db, collection: string): Promise<string[]> {
  const found = await db.select({ id: assets.id }).from(assets).where(filterSql({ collection }, 'assets')).orderBy(desc(assets.createdAt), desc(assets.id)).limit(MAX_DOWNLOAD_PHOTOS);
  return found.map((row) => row.id);
}

async function idsWhere(db: Db, condition: SQL): Promise<Result<{ ids: string[] }>> {
  const found = await db.select({ id: assets.id }).from(assets).where(condition).orderBy(desc(assets.createdAt), desc(assets.id)).limit(MAX_DOWNLOAD_PHOTOS + 1);
  if (found.length > MAX_DOWNLOAD_PHOTOS) {
    const [{ matched }] = await db.select({ matched: sql<number>`count(*)::int` }).from(assets).where(and(condition));
    return tooMany(matched);
  }
  return { ok: true, ids: found.map((row) => row.id) };
}

/** Of these ids, those still in the library (uploaded, not in the trash). */
export async function idsInLibrary(db: Db, ids: readonly string[]): Promise<Set<string>> {
  const present = new Set<string>();
  for (let start = 0; start < ids.length; start += 1000) {
    const page = ids.slice(start, start + 1000);
    const rows = await db.select({ id: assets.id }).from(assets).where(and(inArray(assets.id, page), filterSql({}, 'assets')));
    for (const row of rows) present.add(row.id);
  }
  return present;
}
