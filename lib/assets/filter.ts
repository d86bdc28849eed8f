import { and, isNull, notInArray, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { ALT_STATUSES, assets, type Asset } from '@/db/schema';
import { text } from '@/lib/text-input';
import { CONDITIONS, conditionSql, type Condition } from './condition';

/**
 * The library's search box and filters. One schema and one SQL condition serve the library page, GET
 * /api/assets and "select all matching" in bulk actions, so a bulk action acts on exactly what the person saw
 * matching, resolved on the server (not a list of ids the browser happened to load).
 */

/** Empty means "no filter" (a cleared search box submits ""). */
const optionalText = (max: number, what: string) =>
  text()
    .trim()
    .max(max, `${what} is at most ${max} characters`)
    .transform((value) => (value === '' ? undefined : value))
    .optional();

export const STORE_FILTERS = ['not_in_store', 'conflict'] as const;
export type StoreFilter = (typeof STORE_FILTERS)[number];

/** The library's processing-state filters (`?state=failed`, `?state=retrying`): the conditions of condition.ts. */
export const LIBRARY_STATES = CONDITIONS;
export type LibraryState = Condition;

export const libraryFilterSchema = z
  .object({
    /** Part of the filename, title or SKU (case-insensitive). */
    q: optionalText(200, 'the search text'),
    tag: optionalText(100, 'a tag'),
    collection: optionalText(200, 'a collection'),
    /** The alt text's review status. */
    status: z.enum(ALT_STATUSES).optional(),
    /** `failed`: photos a step failed for good (Retry or Delete them); `retrying`: photos Loupe tries again by itself. */
    state: z.enum(LIBRARY_STATES).optional(),
    /** The photos of one product (lib/connections: a store's product), in the product's order. */
    product: z.uuid('Not a product id.').optional(),
    /** Photos in a connected store: `not_in_store` (approved text the store does not hold yet), `conflict` (changed on both sides). */
    store: z.enum(STORE_FILTERS).optional(),
  })
  .strict();

export type LibraryFilter = z.infer<typeof libraryFilterSchema>;

export const LIBRARY_FILTER_KEYS = ['q', 'tag', 'collection', 'status', 'state', 'product', 'store'] as const satisfies readonly (keyof LibraryFilter)[];

/** Rows that are not (yet) in the library: no verified original behind them. */
const NOT_IN_LIBRARY: Asset['state'][] = ['awaiting_upload', 'failed_upload'];

/** `%` and `_` typed by a person are literal characters, not wildcards. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

/** In the library (uploaded, not in the trash) and matching the filter. */
export function libraryCondition(filter: LibraryFilter = {}): SQL {
  const parts: (SQL | undefined)[] = [notInArray(assets.state, NOT_IN_LIBRARY), isNull(assets.deletedAt)];
  if (filter.q) {
    const pattern = likePattern(filter.q);
    parts.push(sql`(${assets.filename} ilike ${pattern} or ${assets.title} ilike ${pattern} or ${assets.sku} ilike ${pattern})`);
  }
  // Tags match whatever their case, as people type them.
  if (filter.tag) parts.push(sql`exists (select 1 from unnest(${assets.tags}) as t(value) where lower(t.value) = lower(${filter.tag}))`);
  if (filter.collection) parts.push(sql`lower(${assets.collection}) = lower(${filter.collection})`);
  if (filter.status) parts.push(sql`${assets.altStatus} = ${filter.status}`);
  if (filter.state) parts.push(conditionSql(filter.state));
  if (filter.product) parts.push(sql`${assets.productId} = ${filter.product}`);
  if (filter.store) parts.push(storeCondition(filter.store));
  return and(...parts) as SQL;
}

export function hasLibraryFilter(filter: LibraryFilter): boolean {
  return LIBRARY_FILTER_KEYS.some((key) => filter[key] !== undefined);
}

/**
 * Photos whose approved, person-written or decorative text a linked store does not hold yet (the writeback's
 * own rule, lib/connections), or whose store text and Loupe's both changed (a conflict, for review).
 */
function storeCondition(filter: StoreFilter): SQL {
  if (filter === 'conflict') return sql`exists (select 1 from asset_remotes r where r.asset_id = ${assets.id} and r.status = 'conflict')`;
  return sql`(${assets.altStatus} in ('approved', 'decorative') or ${assets.decorative} or (${assets.altSource} in ('human', 'shop') and ${assets.altText} is not null))
    and exists (select 1 from asset_remotes r where r.asset_id = ${assets.id} and r.status <> 'conflict' and r.written_version is distinct from ${assets.version})`;
}
