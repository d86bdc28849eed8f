import { z } from 'zod';
import { integerFromString, text } from '@/lib/text-input';
import { assetFilterSchema, filterSchema } from '@/lib/filters';
import { MAX_REVIEW_ITEMS, MAX_REVIEW_PAGE_SIZE, REVIEW_ACTIONS } from '@/lib/review';

/** Actions that "select all N matching this filter" may take; edit and undo name each item. */
export const FILTER_ACTIONS = ['approve', 'reject', 'decorative', 'regenerate'] as const;

/** 10,000 items of `{"id","version"}` (about 70 bytes each), with room for edited texts. */
export const MAX_REVIEW_BODY_BYTES = 2 * 1024 * 1024;

export const reviewActionBody = z
  .object({
    action: z.enum(REVIEW_ACTIONS),
    /** Checked one by one in lib/review, so one malformed item does not sink the others. */
    items: z.array(z.unknown()).min(1, 'the selection is empty: select at least one asset').max(MAX_REVIEW_ITEMS, `at most ${MAX_REVIEW_ITEMS} items per request`).optional(),
    filter: assetFilterSchema.optional(),
    /** When the reviewer saw the filtered count: assets whose text changed after it are answered as conflicts. */
    asOf: z.iso.datetime({ offset: true }).optional(),
    /** A configured locale other than the source (LOCALES): decide on that locale's records; the item versions are theirs. */
    locale: text().max(64).optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    if ((body.items === undefined) === (body.filter === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['items'], message: 'send either "items" ([{id, version}]) or "filter" (with "asOf"), not both and not neither' });
    }
    if (body.filter !== undefined && !(FILTER_ACTIONS as readonly string[]).includes(body.action)) {
      ctx.addIssue({ code: 'custom', path: ['action'], message: `${body.action} names each item: send "items", not "filter"` });
    }
    if (body.filter !== undefined && body.asOf === undefined) {
      ctx.addIssue({ code: 'custom', path: ['asOf'], message: 'a filter needs "asOf", the time you saw its count, so nothing changed since is decided unseen' });
    }
  });

export type ReviewActionBody = z.output<typeof reviewActionBody>;

export const reviewQuery = filterSchema({
  cursor: text().max(512).optional(),
  limit: integerFromString(1, MAX_REVIEW_PAGE_SIZE).optional(),
  /** `counts=1` adds the counts beside each filter choice. */
  counts: z.enum(['0', '1']).optional(),
  /** A configured locale (LOCALES): that locale's queue, each record beside the source text. */
  locale: text().max(64).optional(),
});
