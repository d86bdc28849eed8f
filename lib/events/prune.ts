import { sql } from 'drizzle-orm';
import { rows, type Db } from '@/db/client';
import { config } from '@/lib/config';

/** Rows per DELETE, so a first prune of a large outbox never holds one long lock. */
const PRUNE_BATCH = 5_000;

/**
 * Removes events older than EVENTS_KEEP_DAYS, with their webhook deliveries' log (cascade), except an event a
 * delivery still retries. Called by the sweeper; returns how many were removed.
 */
export async function pruneEvents(db: Db, keepDays: number = config().eventsKeepDays): Promise<number> {
  let removed = 0;
  for (;;) {
    const gone = await rows<{ id: string }>(
      db,
      sql`delete from events where id in (
        select e.id from events e
        where e.created_at < now() - make_interval(days => ${keepDays})
          and not exists (
            select 1 from webhook_deliveries d join jobs j on j.delivery_id = d.id
            where d.event_id = e.id and j.status in ('pending', 'running', 'waiting'))
        limit ${PRUNE_BATCH})
      returning id`,
    );
    removed += gone.length;
    if (gone.length < PRUNE_BATCH) return removed;
  }
}
