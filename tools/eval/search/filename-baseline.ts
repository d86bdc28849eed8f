import { sql } from 'drizzle-orm';
import { rows, type Db } from '@/db/client';
import { parseQuery } from '@/lib/search';

/**
 * The "filename only" baseline: full-text match restricted to the filename and SKU part of the document (weight
 * C), what a file browser's search would find.
 */
export async function filenameOnlySearch(db: Db, q: string, limit: number): Promise<string[]> {
  const { websearchAny } = parseQuery(q);
  if (!websearchAny) return [];
  const found = await rows<{ filename: string }>(db, sql`
    select a.filename from assets a, websearch_to_tsquery('english', ${websearchAny}) tsq
    where ts_filter(a.search_tsv, '{c}') @@ tsq
    order by ts_rank_cd(ts_filter(a.search_tsv, '{c}'), tsq) desc, a.id
    limit ${limit}`);
  return found.map((row) => row.filename);
}
