import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { GET as listRoute } from '@/app/api/assets/route';
import { connections } from '@/db/schema';
import { call, makeAccount } from '@/test/auth';
import { useTestDatabase } from '@/test/db';
import { countAssets, countLibrary } from '.';

/**
 * The library page's counts and GET /api/assets?total=1 never count the whole of a large library on a page
 * view: past the limit (lowered here to a thousand photos rather than loading 20,000) they come from a sample
 * and say so; at or under it they are exact.
 */
describe('the library counts that scale', () => {
  const database = useTestDatabase();
  const db = () => database().db;
  const LIBRARY = 6000;
  // Every tenth photo failed, every tenth retrying, every twentieth in conflict with a store; a third each tag.
  const EXACT = { all: LIBRARY, failed: LIBRARY / 10, retrying: LIBRARY / 10, notInStore: 0, storeConflicts: LIBRARY / 20 };
  const near = (value: number, expected: number) => {
    expect(value).toBeGreaterThan(expected * 0.7);
    expect(value).toBeLessThan(expected * 1.3);
  };

  beforeAll(async () => {
    await db().execute(sql`
      insert into assets (filename, declared_type, declared_size, original_key, derivative_prefix, state, error_code, tags)
      select 'p-' || i || '.jpg', 'image/jpeg', 1000, 'o/p' || i, 'd/p' || i,
        case when i % 10 = 0 then 'failed_derive' else 'described' end, case when i % 10 = 1 then 'timeout' end, array['t' || (i % 3)]
      from generate_series(1, ${LIBRARY}) as i`);
    const [connection] = await db().insert(connections).values({ kind: 'wordpress', name: 'Shop', url: 'https://shop.example', username: 'u', secretCiphertext: 'x', secretIv: 'x', secretTag: 'x' }).returning();
    await db().execute(sql`
      insert into asset_remotes (connection_id, remote_id, asset_id, url, status)
      select ${connection.id}, 'r-' || a.filename, a.id, 'https://shop.example/' || a.filename, 'conflict'
      from assets a where split_part(split_part(a.filename, '-', 2), '.', 1)::int % 20 = 2`);
    await db().execute(sql`analyze assets`);
  }, 120_000);

  it('past the limit, the counts beside the filters and the total are estimated from a sample and marked', async () => {
    const counts = await countLibrary(db(), {}, { exactMax: 1000 });
    expect(counts).toMatchObject({ estimated: true, totalEstimated: true });
    near(counts.all, EXACT.all);
    near(counts.total, EXACT.all);
    near(counts.failed, EXACT.failed);
    near(counts.retrying, EXACT.retrying);
    near(counts.storeConflicts, EXACT.storeConflicts);
    expect(counts.notInStore).toBe(0);
    expect(await countAssets(db(), { tag: 't1' }, { exactMax: 1000 })).toMatchObject({ totalEstimated: true });
  });

  it('the total under a filter stays exact while it matches no more than the limit, beside estimated counts', async () => {
    const counts = await countLibrary(db(), { tag: 't1' }, { exactMax: 2500 });
    expect(counts).toMatchObject({ estimated: true, total: LIBRARY / 3, totalEstimated: false });
    expect(await countAssets(db(), { tag: 't1' }, { exactMax: 2500 })).toEqual({ total: LIBRARY / 3, totalEstimated: false });
  });

  it('at or under the limit every count is exact and says so', async () => {
    expect(await countLibrary(db(), {}, { exactMax: LIBRARY })).toEqual({ ...EXACT, total: LIBRARY, totalEstimated: false, estimated: false });
    expect(await countLibrary(db(), { state: 'failed' }, { exactMax: LIBRARY })).toEqual({ ...EXACT, total: EXACT.failed, totalEstimated: false, estimated: false });
  });

  it('GET /api/assets?total=1 gives the total and whether it is estimated', async () => {
    const viewer = await makeAccount(db(), 'viewer');
    const response = await call(listRoute, { path: '/api/assets?tag=t2&total=1&limit=1', cookie: viewer.cookie });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ total: LIBRARY / 3, totalEstimated: false });
  });
});
