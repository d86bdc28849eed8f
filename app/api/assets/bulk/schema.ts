import { bulkActionSchema, MAX_BULK_ITEMS } from '@/lib/library';

/** `{ action, selection: { ids } | { filter } }`: add_tags/remove_tags (with tags), set_collection (with collection), regenerate, decorative, delete. */
export const bulkBody = bulkActionSchema;

/** Room for MAX_BULK_ITEMS ids (36 characters each, quoted, with commas) and the rest of the body. */
export const BULK_MAX_BODY_BYTES = MAX_BULK_ITEMS * 40 + 64 * 1024;
