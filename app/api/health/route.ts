import { sql } from 'drizzle-orm';
import { getDb } from '@/db/client';
import { route } from '@/lib/auth';
import { getStorage } from '@/lib/storage';

export const dynamic = 'force-dynamic';

async function probe(check: () => Promise<unknown>): Promise<{ ok: boolean; error?: string }> {
  try {
    await check();
    return { ok: true };
  } catch (error) {
    console.error('[loupe] health check failed:', error);
    return { ok: false, error: 'unreachable' };
  }
}

/** Public: load balancers and uptime checks call it. Says which dependency is down, never why in detail. */
export const GET = route({ role: 'public' }, async () => {
  const [database, storage] = await Promise.all([
    probe(async () => (await getDb()).execute(sql`select 1`)),
    probe(async () => (await getStorage()).check()),
  ]);
  const ok = database.ok && storage.ok;
  return Response.json({ ok, database, storage }, { status: ok ? 200 : 503 });
});
