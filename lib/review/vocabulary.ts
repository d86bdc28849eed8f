/**
 * The review queue's words: statuses, flags, actions and how the page names them. Only the filter language's
 * vocabulary is imported (no server code), so the browser bundle (components/review) can use it.
 */
import { FLAG_FILTERS, FLAGS, QUEUE_STATUSES, REVIEW_STATUSES, type FilterStatus, type Flag, type FlagFilter, type ReviewStatus } from '@/lib/filters/client';

/** The statuses and flags are the filter language's (lib/filters), under the names the queue has always used. */
export { QUEUE_STATUSES, REVIEW_STATUSES, FLAGS as REVIEW_FLAGS, FLAG_FILTERS as REVIEW_FLAG_FILTERS };
export type { ReviewStatus };
export type ReviewFlag = Flag;
export type ReviewFlagFilter = FlagFilter;

export const REVIEW_ACTIONS = ['approve', 'reject', 'decorative', 'regenerate', 'edit', 'undo'] as const;
export type ReviewAction = (typeof REVIEW_ACTIONS)[number];

export const STATUS_LABELS: Record<FilterStatus, string> = {
  proposed: 'AI proposal',
  outdated: 'From an older prompt',
  gate_rejected: 'Refused by the quality gate',
  retrying: 'Generation retrying',
  failed: 'Generation failed',
  missing: 'Missing',
  approved: 'Approved',
  decorative: 'Decorative',
  undecided: 'Needs a decision',
  none: 'No text yet',
  rejected: 'Rejected',
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
