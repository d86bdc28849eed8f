import { sql } from 'drizzle-orm';
import { getDb, rows } from '@/db/client';
import { register } from '@/instrumentation';

/**
 * Test support: a server process as far as the work model goes. It runs the server's own start-up hook
 * (configuration, database, the jobs sweeper) without HTTP, and prints every asset's state, alt-text source
 * and count of written alt texts as one JSON line every 200 ms, so a test can watch it work, kill -9 it, and
 * restart it.
 */
await register();
setInterval(() => {
  void getDb()
    .then((db) =>
      rows<{ id: string; state: string; alt_source: string | null; written: number }>(
        db,
        sql`select a.id, a.state, a.alt_source,
                   (select count(*)::int from alt_history h where h.asset_id = a.id and h.outcome = 'written') as written
            from assets a`,
      ),
    )
    .then((found) => console.log(JSON.stringify(found)));
}, 200);
