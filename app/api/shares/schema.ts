import { z } from 'zod';
import { onlyOne, selectionFields, SELECTION_MAX_BODY_BYTES } from '@/lib/downloads';
import { integerFromString, text } from '@/lib/text-input';

/** `{ ids | filter | collection, expiresAt, allowDownload }`: exactly one of the three selections. */
export const shareBody = z
  .object({
    ...selectionFields,
    /** A collection's photos, live: photos added to it later are shared too. */
    collection: text().trim().min(1, 'name the collection').max(200, 'a collection is at most 200 characters').optional(),
    /** When the link stops working (ISO 8601 with a time zone); at most a year ahead. */
    expiresAt: z.iso.datetime({ offset: true, message: 'send the expiry as an ISO 8601 date and time, e.g. 2027-01-31T18:00:00Z' }).transform((value) => new Date(value)),
    /** Whether the page offers the originals and a ZIP; off: photos and alt text only. */
    allowDownload: z.boolean().default(false),
  })
  .strict()
  .superRefine(onlyOne(['ids', 'filter', 'collection']));

export const SHARE_MAX_BODY_BYTES = SELECTION_MAX_BODY_BYTES;

export const shareParams = z.object({ id: z.uuid('Not a share id.') });

/** The token is checked by lib/shares (a wrong one is a counted 404); here only its size is bounded. */
export const sharedParams = z.object({ token: text().max(200) });

export const sharedQuery = z.object({ page: integerFromString(1, 10_000).default(1) }).strict();
