import { sql } from 'drizzle-orm';
import { notTrashedSql, personTextSql } from '@/lib/filters';
import { rows } from '@/db/client';
import type { Queryable } from '@/lib/jobs';

/** Per connection: how many of the store's photos hold, in the store, alt text a person stands behind. */
export interface ConnectionCoverage {
  connectionId: string;
  name: string;
  /** The store's photos Loupe knows (one per store image). */
  images: number;
  /** The store holds Loupe's approved, person-written or decorative text. */
  approvedInStore: number;
  /** Loupe has such text the store does not hold yet. */
  notYetInStore: number;
  conflicts: number;
  failed: number;
}

export async function connectionCoverage(db: Queryable): Promise<ConnectionCoverage[]> {
  const found = await rows<{ connection_id: string; name: string; images: number; approved_in_store: number; not_yet: number; conflicts: number; failed: number }>(
    db,
    sql`select c.id as connection_id, c.name,
      count(r.remote_id)::int as images,
      (count(*) filter (where r.status = 'in_sync' and r.written_version = a.version and ${personTextSql('a')}))::int as approved_in_store,
      (count(*) filter (where r.status in ('pending', 'in_sync') and r.written_version is distinct from a.version and ${personTextSql('a')}))::int as not_yet,
      (count(*) filter (where r.status = 'conflict'))::int as conflicts,
      (count(*) filter (where r.status = 'failed'))::int as failed
    from connections c
    left join asset_remotes r on r.connection_id = c.id
    left join assets a on a.id = r.asset_id and ${notTrashedSql('a')}
    group by c.id, c.name
    order by c.created_at`,
  );
  return found.map((row) => ({ connectionId: row.connection_id, name: row.name, images: row.images, approvedInStore: row.approved_in_store, notYetInStore: row.not_yet, conflicts: row.conflicts, failed: row.failed }));
}
