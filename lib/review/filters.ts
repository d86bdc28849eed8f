import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { text } from '@/lib/text-input';
import { PROMPT_VERSION } from '@/lib/alt';
import { altFailedSql, altRetryingSql } from '@/lib/assets';
import { config } from '@/lib/config';
import { REVIEW_FLAG_FILTERS, REVIEW_FLAGS, REVIEW_STATUSES, type ReviewFlagFilter, type ReviewStatus } from './vocabulary';

/**
 * What the review queue holds and how it is filtered. Every condition is SQL on `assets a`, so the page, the
 * counts, the bulk "select all N matching" and the bench ask exactly the same question.
 */

/** Needing a decision: the queue's default. Same predicate as the partial index assets_review_queue_idx. */
export const REVIEW_QUEUE = sql`a.alt_status in ('none', 'proposed') and a.state not in ('awaiting_upload', 'failed_upload') and a.deleted_at is null`;
/** In the library: uploaded and not in the trash. */
export const UPLOADED = sql`a.state not in ('awaiting_upload', 'failed_upload') and a.deleted_at is null`;

const filterText = (max: number) => text().trim().min(1).max(max);
const day = z.iso.date().or(z.iso.datetime({ offset: true }));

export const reviewFilterSchema = z
  .object({
    status: z.enum(REVIEW_STATUSES).optional(),
    tag: filterText(100).optional(),
    collection: filterText(200).optional(),
    from: day.optional(),
    to: day.optional(),
    model: filterText(200).optional(),
    promptVersion: filterText(100).optional(),
    flag: z.enum(REVIEW_FLAG_FILTERS).optional(),
  })
  .strict();

export type ReviewFilter = z.infer<typeof reviewFilterSchema>;

/** The most specific status of `assets a` (outdated rather than proposed, gate_rejected rather than retrying). */
export function statusExpression(): SQL {
  return sql`case
    when a.alt_status = 'approved' then 'approved'
    when a.alt_status = 'decorative' then 'decorative'
    when a.alt_status = 'proposed' and a.alt_prompt_version is distinct from ${PROMPT_VERSION} then 'outdated'
    when a.alt_status = 'proposed' then 'proposed'
    when ${ALT_RETRYING} and a.alt_last_error like 'gate_rejected:%' then 'gate_rejected'
    when ${ALT_RETRYING} then 'retrying'
    when ${ALT_FAILED} then 'failed'
    else 'missing' end`;
}

/** Retrying and failed as they mean everywhere (lib/assets/condition.ts), on `assets a`. */
const ALT_RETRYING = altRetryingSql('a');
const ALT_FAILED = altFailedSql('a');

/** proposed includes outdated and retrying includes gate_rejected: the dashboard's numbers link to these. */
function statusCondition(status: ReviewStatus): SQL {
  switch (status) {
    case 'approved':
    case 'decorative':
      return sql`a.alt_status = ${status} and ${UPLOADED}`;
    case 'proposed':
      return sql`${REVIEW_QUEUE} and a.alt_status = 'proposed'`;
    case 'outdated':
      return sql`${REVIEW_QUEUE} and a.alt_status = 'proposed' and a.alt_prompt_version is distinct from ${PROMPT_VERSION}`;
    case 'gate_rejected':
      return sql`${REVIEW_QUEUE} and ${ALT_RETRYING} and a.alt_last_error like 'gate_rejected:%'`;
    case 'retrying':
      return sql`${REVIEW_QUEUE} and ${ALT_RETRYING}`;
    case 'failed':
      return sql`${REVIEW_QUEUE} and ${ALT_FAILED}`;
    case 'missing':
      return sql`${REVIEW_QUEUE} and a.alt_status = 'none' and not ${ALT_RETRYING} and not ${ALT_FAILED}`;
  }
}

/** Each flag and recommendation as a condition on `assets a`; the page shows the flags an item raises and filters by any. */
export function flagCondition(flag: ReviewFlagFilter, perItem = false): SQL {
  switch (flag) {
    case 'image_of':
      return sql`a.alt_text ~* '^\\s*(an? |the )?(image|photo|photograph|picture|pic|graphic|illustration|screenshot)\\s+(of|showing|shows|depicting|with)\\y'`;
    case 'filename':
      return sql`(a.alt_text ~* '\\.(jpe?g|png|webp|gif|tiff?|heic|heif|avif|bmp)\\y' or a.alt_text ~ '^[A-Za-z0-9]+([_-][A-Za-z0-9]+)+$' or a.alt_text ~* '^(img|dsc|dscn|pxl|photo)[_-]?[0-9]+')`;
    case 'markup_or_url':
      return sql`a.alt_text ~* '(<\\s*/?[a-z!][^>]*>|https?://|www\\.|&[a-z]+;|\\*\\*|\\]\\()'`;
    case 'repeats_title':
      return sql`(length(a.title) >= 3 and strpos(lower(a.alt_text), lower(a.title)) > 0)`;
    case 'shared_text':
      // A few items on screen probe the md5 index each; a filter or a count over the queue collects the repeated texts once.
      return perItem
        ? sql`(a.alt_text <> '' and exists (select 1 from assets o where md5(o.alt_text) = md5(a.alt_text) and o.alt_text <> '' and o.alt_text = a.alt_text and o.id <> a.id and o.deleted_at is null))`
        : sql`a.alt_text in (select o.alt_text from assets o where o.alt_text <> '' and o.deleted_at is null group by o.alt_text having count(*) > 1)`;
    case 'same_as_product_photo':
      // A back view described like the front: the same words (case and outer spaces aside) on two photos of one product.
      return perItem
        ? sql`(a.product_id is not null and btrim(a.alt_text) <> '' and exists (select 1 from assets o where o.product_id = a.product_id and o.id <> a.id and o.deleted_at is null and lower(btrim(o.alt_text)) = lower(btrim(a.alt_text))))`
        : sql`(a.product_id, lower(btrim(a.alt_text))) in (select o.product_id, lower(btrim(o.alt_text)) from assets o where o.product_id is not null and btrim(o.alt_text) <> '' and o.deleted_at is null group by 1, 2 having count(*) > 1)`;
    case 'too_long':
      return sql`length(a.alt_text) > ${config().review.maxAltLength}`;
    case 'under_500':
      return sql`(a.width < 500 or a.height < 500)`;
    case 'under_1500':
      return sql`(a.width < 1500 or a.height < 1500)`;
  }
}

/** The item's raised flags as a text[] column (computed only for the few items on screen). */
export function flagsExpression(): SQL {
  const parts = REVIEW_FLAGS.map((flag) => sql`case when ${flagCondition(flag, true)} then ${flag} end`);
  return sql`array_remove(array[${sql.join(parts, sql`, `)}]::text[], null)`;
}

/** Every filter but `omit` as one condition; without a status filter, the queue (what needs a decision). */
export function filterCondition(filter: ReviewFilter, omit?: keyof ReviewFilter): SQL {
  const parts: SQL[] = [];
  const use = <K extends keyof ReviewFilter>(key: K): ReviewFilter[K] | undefined => (key === omit ? undefined : filter[key]);
  const status = use('status');
  parts.push(status ? statusCondition(status) : REVIEW_QUEUE);
  const tag = use('tag');
  if (tag) parts.push(sql`a.tags @> array[${tag}]::text[]`);
  const collection = use('collection');
  if (collection) parts.push(sql`a.collection = ${collection}`);
  const from = use('from');
  if (from) parts.push(sql`a.created_at >= ${from}::timestamptz`);
  const to = use('to');
  if (to) parts.push(to.length === 10 ? sql`a.created_at < ${to}::date + 1` : sql`a.created_at <= ${to}::timestamptz`);
  const model = use('model');
  if (model) parts.push(sql`a.alt_model = ${model}`);
  const promptVersion = use('promptVersion');
  if (promptVersion) parts.push(sql`a.alt_prompt_version = ${promptVersion}`);
  const flag = use('flag');
  if (flag) parts.push(flagCondition(flag));
  return sql.join(parts, sql` and `);
}

/** The filter as a query string for /review links (the dashboard, the page's own filter form). */
export function filterSearchParams(filter: ReviewFilter): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) if (value !== undefined && value !== '') params.set(key, String(value));
  return params.toString();
}

/** A filter from a page's address: each malformed or unknown value in a shared link is dropped on its own. */
export function filterFromParams(params: Record<string, string | string[] | undefined>): ReviewFilter {
  const filter: Record<string, string> = {};
  for (const key of Object.keys(reviewFilterSchema.shape) as Array<keyof ReviewFilter>) {
    const raw = params[key];
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (!value) continue;
    const parsed = reviewFilterSchema.shape[key].safeParse(value);
    if (parsed.success && parsed.data !== undefined) filter[key] = parsed.data;
  }
  return filter as ReviewFilter;
}
