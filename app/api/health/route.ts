import { sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { route } from '@/lib/auth';
import { config } from '@/lib/config';
import { describeForLog } from '@/lib/errors';
import { getStorage, storageSpace } from '@/lib/storage';

export const dynamic = 'force-dynamic';

async function probe<T extends object>(check: () => Promise<T>): Promise<({ ok: true } & T) | { ok: false; error: string }> {
  try {
    return { ok: true, ...(await check()) };
  } catch (error) {
    console.error(`[loupe] health check failed: ${describeForLog(error)}`);
    return { ok: false, error: 'unreachable' };
  }
}

/**
 * Public: load balancers and uptime checks call it. Says which dependency is down, never why in detail, and
 * warns while storage space is low (still 200: the app serves, but uploads will soon fail with 507).
 */
export const GET = route({ role: 'public' }, async () => {
  const [database, storage] = await Promise.all([
    probe(async () => {
      await (await getDb()).execute(sql`select 1`);
      return {};
    }),
    probe(async () => {
      const store = await getStorage();
      await store.check();
      return storageSpace(await store.space(), config().upload.maxBytes);
    }),
  ]);
  const ok = database.ok && storage.ok;
  return Response.json({ ok, database, storage }, { status: ok ? 200 : 503 });
});
