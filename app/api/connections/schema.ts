import { z } from 'zod';
import { assetFilterSchema } from '@/lib/filters';
import { connectionInput, connectionUpdate } from '@/lib/connections';
import { integer, MAX_DB_INTEGER, text } from '@/lib/text-input';

/** The connection routes' input: the connection schemas live in lib/connections, shared with the admin page's forms. */
export const connectionBody = connectionInput;
export const connectionUpdateBody = connectionUpdate;
export const connectionParams = z.object({ id: z.uuid('Not a connection id.') });
export const runParams = z.object({ id: z.uuid('Not a connection id.'), runId: z.uuid('Not a run id.') });
/** Which of the library's photos to write back: the filter language (lib/filters), as bulk actions take it (none: all). */
export const writebackBody = z.object({ filter: assetFilterSchema.default({}) }).strict();
/** Undo the whole run, or only these store images (per item). */
export const undoBody = z
  .object({ remoteIds: z.array(text().min(1).max(200)).min(1).max(1000).optional() })
  .strict()
  .default({});
export const remoteParams = z.object({ id: z.uuid('Not a connection id.'), remoteId: text().min(1).max(200) });
/** A person's pick in a conflict: Loupe's text (written to the store) or the store's (becomes Loupe's); from the version they saw. */
export const conflictBody = z.object({ keep: z.enum(['loupe', 'store']), version: integer(1, MAX_DB_INTEGER) }).strict();
