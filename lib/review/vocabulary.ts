/**
 * The review queue's words: statuses, flags, actions and how the page names them. No imports, so the browser
 * bundle (components/review) can use it without pulling in the database.
 */

export const QUEUE_STATUSES = ['proposed', 'outdated', 'gate_rejected', 'retrying', 'failed', 'missing'] as const;
/** Decided ones can be opened again through the filter (the coverage dashboard links there). */
export const REVIEW_STATUSES = [...QUEUE_STATUSES, 'approved', 'decorative'] as const;
export type ReviewStatus = (typeof REVIEW_STATUSES)[number];

/** Rules an item breaks, raised on the item itself (Merchant Center refuses images under 500 × 500 px). */
export const REVIEW_FLAGS = ['image_of', 'filename', 'markup_or_url', 'repeats_title', 'shared_text', 'same_as_product_photo', 'too_long', 'under_500'] as const;
export type ReviewFlag = (typeof REVIEW_FLAGS)[number];
/**
 * What the Flag filter offers: every flag, and recommendations that break no rule. Most real product photos are
 * under 1500 × 1500 px (900 × 1200 is typical), so that one is a filter for whoever wants it, never a flag.
 */
export const REVIEW_FLAG_FILTERS = [...REVIEW_FLAGS, 'under_1500'] as const;
export type ReviewFlagFilter = (typeof REVIEW_FLAG_FILTERS)[number];

export const REVIEW_ACTIONS = ['approve', 'reject', 'decorative', 'regenerate', 'edit', 'undo'] as const;
export type ReviewAction = (typeof REVIEW_ACTIONS)[number];

export const STATUS_LABELS: Record<ReviewStatus, string> = {
  proposed: 'AI proposal',
  outdated: 'From an older prompt',
  gate_rejected: 'Refused by the quality gate',
  retrying: 'Generation retrying',
  failed: 'Generation failed',
  missing: 'Missing',
  approved: 'Approved',
  decorative: 'Decorative',
};

export const FLAG_LABELS: Record<ReviewFlagFilter, string> = {
  image_of: 'Starts with "image of" or similar',
  filename: 'Looks like a filename',
  markup_or_url: 'Contains markup or a URL',
  repeats_title: 'Repeats the product title',
  shared_text: 'Same text as another asset',
  same_as_product_photo: 'Same text as another photo of this product',
  too_long: 'Over the length limit',
  under_500: 'Image under 500 × 500 px (Merchant Center minimum)',
  under_1500: 'Image under 1500 × 1500 px (recommended)',
};

export const MAX_REVIEW_ITEMS = 10_000;
