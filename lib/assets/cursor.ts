/**
 * Keyset cursor over (created_at, id), newest first. created_at is carried as PostgreSQL's own text form, so
 * its microseconds survive (a JavaScript Date would round them and skip or repeat rows).
 */
export interface AssetCursor {
  createdAt: string;
  id: string;
}

export function encodeCursor(cursor: AssetCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id])).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Null for anything that is not a cursor this module made. */
export function decodeCursor(value: string): AssetCursor | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 2) return null;
    const [createdAt, id] = parsed as unknown[];
    if (typeof createdAt !== 'string' || typeof id !== 'string' || !UUID.test(id) || Number.isNaN(Date.parse(createdAt))) return null;
    return { createdAt, id };
  } catch {
    return null;
  }
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
