/**
 * The filter language's words that pages and client components show: no imports, so the browser bundle can use
 * them without the database. lib/filters/schema.ts and compile.ts give each one its single meaning.
 */

/**
 * Alt-text statuses a filter can ask for. Those of the review queue (proposed includes outdated, retrying
 * includes gate_rejected), `undecided` (needing a person's decision: no text yet or a proposal, the queue's
 * default) and two stored statuses the library and search have always taken (`none`: no text yet, whether
 * missing, retrying or failed; `rejected`).
 */
export const QUEUE_STATUSES = ['proposed', 'outdated', 'gate_rejected', 'retrying', 'failed', 'missing'] as const;
export const REVIEW_STATUSES = [...QUEUE_STATUSES, 'approved', 'decorative'] as const;
export const FILTER_STATUSES = [...REVIEW_STATUSES, 'undecided', 'none', 'rejected'] as const;
export type FilterStatus = (typeof FILTER_STATUSES)[number];
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/** Processing states (`state`): `failed`, a step failed for good; `retrying`, Loupe tries again by itself (lib/assets/condition.ts). */
export const PROCESSING_STATES = ['failed', 'retrying'] as const;
export type ProcessingState = (typeof PROCESSING_STATES)[number];

/** Rules an item breaks, raised on the item itself (Merchant Center refuses images under 500 × 500 px). */
export const FLAGS = ['image_of', 'filename', 'markup_or_url', 'repeats_title', 'shared_text', 'same_as_product_photo', 'too_long', 'under_500'] as const;
export type Flag = (typeof FLAGS)[number];
/**
 * What a flag filter offers: every flag, and recommendations that break no rule. Most real product photos are
 * under 1500 × 1500 px (900 × 1200 is typical), so that one is a filter for whoever wants it, never a flag.
 */
export const FLAG_FILTERS = [...FLAGS, 'under_1500'] as const;
export type FlagFilter = (typeof FLAG_FILTERS)[number];

/** Photos in a connected store: `not_in_store` (approved text the store does not hold yet), `conflict` (changed on both sides). */
export const STORE_FILTERS = ['not_in_store', 'conflict'] as const;
export type StoreFilter = (typeof STORE_FILTERS)[number];
