import { sql, type SQL } from 'drizzle-orm';
import { PROMPT_VERSION } from '@/lib/alt';
import { altFailedSql, altRetryingSql, conditionSql } from '@/lib/assets';
import { config } from '@/lib/config';
import type { AssetFilter, FilterKey } from './schema';
import { type FilterStatus, type FlagFilter, type ReviewStatus, type StoreFilter } from './vocabulary';

/**
 * The one SQL compiler of the filter language: every condition on `assets` under an alias ('a' in hand-written
 * SQL, 'assets' in drizzle's query builder). Nothing outside lib/filters writes what "visible", a status or a
 * flag means in SQL (test/layout.test.ts checks).
 */

/** Columns of `assets` under a table name or alias. */
const column = (alias: string, name: string) => sql.raw(`${alias}.${name}`);

/** Not in the trash (an upload page still shows a photo whose upload has not finished). */
export function notTrashedSql(alias = 'a'): SQL {
  return sql`${column(alias, 'deleted_at')} is null`;
}

/** Uploaded (a verified original is stored), whatever its derivatives, alt text or vectors are doing. */
export function uploadedSql(alias = 'a'): SQL {
  return sql`${column(alias, 'state')} not in ('awaiting_upload', 'failed_upload')`;
}

/**
 * Visible: in the library, search, review, coverage and exports. Written as the review queue's partial index
 * (assets_review_queue_idx) has it, so `undecided` and visible together can use that index.
 */
export function visibleSql(alias = 'a'): SQL {
  return sql`${uploadedSql(alias)} and ${notTrashedSql(alias)}`;
}

/**
 * The alt text's status: the one place that says what each status means (per-locale text will change this
 * function alone). Proposed includes outdated and retrying includes gate_rejected, as the queue counts them.
 */
export function altStatusSql(status: FilterStatus, alias = 'a'): SQL {
  const altStatus = column(alias, 'alt_status');
  const retrying = altRetryingSql(alias);
  const failed = altFailedSql(alias);
  switch (status) {
    case 'approved':
    case 'decorative':
    case 'proposed':
    case 'none':
    case 'rejected':
      return sql`${altStatus} = ${status}`;
    case 'undecided':
      return sql`${altStatus} in ('none', 'proposed')`;
    case 'outdated':
      return sql`(${altStatus} = 'proposed' and ${column(alias, 'alt_prompt_version')} is distinct from ${PROMPT_VERSION})`;
    case 'gate_rejected':
      return sql`(${retrying} and ${column(alias, 'alt_last_error')} like 'gate_rejected:%')`;
    case 'retrying':
      return retrying;
    case 'failed':
      return failed;
    case 'missing':
      return sql`(${altStatus} = 'none' and not ${retrying} and not ${failed})`;
  }
}

/** The most specific review status of each row (outdated rather than proposed, gate_rejected rather than retrying). */
export function reviewStatusOfSql(alias = 'a'): SQL {
  const order: ReviewStatus[] = ['approved', 'decorative', 'outdated', 'proposed', 'gate_rejected', 'retrying', 'failed'];
  const whens = order.map((status) => sql`when ${altStatusSql(status, alias)} then ${sql.raw(`'${status}'`)}`);
  return sql`case ${sql.join(whens, sql` `)} else 'missing' end`;
}

/** Each flag and recommendation; `perItem` for the few items on screen (probing an index each), else set-wise. */
export function flagSql(flag: FlagFilter, alias = 'a', perItem = false): SQL {
  const c = (name: string) => column(alias, name);
  const others = notTrashedSql('o');
  switch (flag) {
    case 'image_of':
      return sql`${c('alt_text')} ~* '^\\s*(an? |the )?(image|photo|photograph|picture|pic|graphic|illustration|screenshot)\\s+(of|showing|shows|depicting|with)\\y'`;
    case 'filename':
      return sql`(${c('alt_text')} ~* '\\.(jpe?g|png|webp|gif|tiff?|heic|heif|avif|bmp)\\y' or ${c('alt_text')} ~ '^[A-Za-z0-9]+([_-][A-Za-z0-9]+)+$' or ${c('alt_text')} ~* '^(img|dsc|dscn|pxl|photo)[_-]?[0-9]+')`;
    case 'markup_or_url':
      return sql`${c('alt_text')} ~* '(<\\s*/?[a-z!][^>]*>|https?://|www\\.|&[a-z]+;|\\*\\*|\\]\\()'`;
    case 'repeats_title':
      return sql`(length(${c('title')}) >= 3 and strpos(lower(${c('alt_text')}), lower(${c('title')})) > 0)`;
    case 'shared_text':
      // A few items on screen probe the md5 index each; a filter or a count collects the repeated texts once.
      return perItem
        ? sql`(${c('alt_text')} <> '' and exists (select 1 from assets o where md5(o.alt_text) = md5(${c('alt_text')}) and o.alt_text <> '' and o.alt_text = ${c('alt_text')} and o.id <> ${c('id')} and ${others}))`
        : sql`${c('alt_text')} in (select o.alt_text from assets o where o.alt_text <> '' and ${others} group by o.alt_text having count(*) > 1)`;
    case 'same_as_product_photo':
      // A back view described like the front: the same words (case and outer spaces aside) on two photos of one product.
      return perItem
        ? sql`(${c('product_id')} is not null and btrim(${c('alt_text')}) <> '' and exists (select 1 from assets o where o.product_id = ${c('product_id')} and o.id <> ${c('id')} and ${others} and lower(btrim(o.alt_text)) = lower(btrim(${c('alt_text')}))))`
        : sql`(${c('product_id')}, lower(btrim(${c('alt_text')}))) in (select o.product_id, lower(btrim(o.alt_text)) from assets o where o.product_id is not null and btrim(o.alt_text) <> '' and ${others} group by 1, 2 having count(*) > 1)`;
    case 'too_long':
      return sql`length(${c('alt_text')}) > ${config().review.maxAltLength}`;
    case 'under_500':
      return sql`(${c('width')} < 500 or ${c('height')} < 500)`;
    case 'under_1500':
      return sql`(${c('width')} < 1500 or ${c('height')} < 1500)`;
  }
}

/** Text a person stands behind (approved, decorative, or written by a person or the shop): what writeback sends. */
export function personTextSql(alias = 'a'): SQL {
  const c = (name: string) => column(alias, name);
  return sql`(${c('alt_status')} in ('approved', 'decorative') or ${c('decorative')} or (${c('alt_source')} in ('human', 'shop') and ${c('alt_text')} is not null))`;
}

/** Photos a linked store has not got the person-backed text of yet, or whose store text and Loupe's both changed. */
function storeSql(store: StoreFilter, alias: string): SQL {
  const id = column(alias, 'id');
  if (store === 'conflict') return sql`exists (select 1 from asset_remotes r where r.asset_id = ${id} and r.status = 'conflict')`;
  return sql`${personTextSql(alias)}
    and exists (select 1 from asset_remotes r where r.asset_id = ${id} and r.status <> 'conflict' and r.written_version is distinct from ${column(alias, 'version')})`;
}

/** `%` and `_` typed by a person are literal characters, not wildcards. */
function likePattern(value: string): string {
  return `%${value.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
}

/** Visible assets matching every part of the filter but `omit` (counts beside a filter leave their own part out). */
export function filterSql(filter: AssetFilter, alias = 'a', options: { omit?: FilterKey } = {}): SQL {
  const c = (name: string) => column(alias, name);
  const use = <K extends FilterKey>(key: K): AssetFilter[K] | undefined => (key === options.omit ? undefined : filter[key]);
  const parts: SQL[] = [visibleSql(alias)];
  const q = use('q');
  if (q) {
    const pattern = likePattern(q);
    parts.push(sql`(${c('filename')} ilike ${pattern} or ${c('title')} ilike ${pattern} or ${c('sku')} ilike ${pattern})`);
  }
  const tag = use('tag');
  // Whatever its case, through assets_tags_lower_idx (drizzle/0022_filter_indexes.sql).
  if (tag) parts.push(sql`loupe_lower_tags(${c('tags')}) @> array[lower(${tag})]`);
  const collection = use('collection');
  if (collection) parts.push(sql`lower(${c('collection')}) = lower(${collection})`);
  const product = use('product');
  if (product) parts.push(sql`${c('product_id')} = ${product}`);
  const status = use('status');
  if (status) parts.push(altStatusSql(status, alias));
  const state = use('state');
  if (state) parts.push(conditionSql(state, alias));
  const store = use('store');
  if (store) parts.push(storeSql(store, alias));
  const flag = use('flag');
  if (flag) parts.push(flagSql(flag, alias));
  const source = use('source');
  if (source) parts.push(sql`${c('alt_source')} = ${source}`);
  const type = use('type');
  if (type) parts.push(sql`(lower(${c('format')}) = ${type} or lower(${c('mime_type')}) = ${type})`);
  const from = use('from');
  if (from) parts.push(sql`${c('created_at')} >= ${from}::timestamptz`);
  const to = use('to');
  if (to) parts.push(to.length === 10 ? sql`${c('created_at')} < ${to}::date + 1` : sql`${c('created_at')} <= ${to}::timestamptz`);
  const model = use('model');
  if (model) parts.push(sql`${c('alt_model')} = ${model}`);
  const promptVersion = use('promptVersion');
  if (promptVersion) parts.push(sql`${c('alt_prompt_version')} = ${promptVersion}`);
  return sql.join(parts, sql` and `);
}
