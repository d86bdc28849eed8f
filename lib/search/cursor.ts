import { z } from 'zod';

/**
 * Keyset cursor over the fused ranking: the last result's score and id (the stable tiebreak) and how many
 * results came before, which sets how deep each signal is read for the next page.
 */
const cursorSchema = z.object({ s: z.number().finite(), id: z.uuid(), n: z.number().int().min(0) });

export type SearchCursor = z.infer<typeof cursorSchema>;

export function encodeCursor(cursor: SearchCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

/** null for anything that is not a cursor this API issued (tampered, truncated, from another version). */
export function decodeCursor(value: string): SearchCursor | null {
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
