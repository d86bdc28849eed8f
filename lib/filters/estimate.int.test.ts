import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { rows } from '@/db/client';
import { reviewCounts } from '@/lib/review';
import { useTestDatabase } from '@/test/db';
import { EXACT_COUNT_MAX, filterSql, planCounts } from '.';

/**
 * Counts beside the filters never read the whole of a large library on a page view: past EXACT_COUNT_MAX photos
 * they come from a sample and say so; at or under it they are exact.
 */
describe('counts that scale', () => {
  const database = useTestDatabase();
  const db = () => database().db;
  const LIBRARY = EXACT_COUNT_MAX + 5000;

  beforeAll(async () => {
    await db().execute(sql`
      insert into assets (filename, declared_type, declared_size, original_key, derivative_prefix, state, tags, alt_status, alt_text, alt_source)
      select 'p-' || i || '.jpg', 'image/jpeg', 1000, 'o/p' || i, 'd/p' || i, 'described', array['t' || (i % 5)],
        case when i % 2 = 0 then 'proposed' else 'none' end, case when i % 2 = 0 then 'A navy jumper ' || i end, case when i % 2 = 0 then 'ai' end
      from generate_series(1, ${LIBRARY}) as i`);
    await db().execute(sql`analyze assets`);
  }, 120_000);

  it('estimates from a sample in a library past the limit, and says so', async () => {
    const plan = await planCounts(db(), filterSql({}));
    expect(plan).toMatchObject({ estimated: true, totalEstimated: true });
    expect(plan.total).toBeGreaterThan(LIBRARY * 0.8);
    expect(plan.total).toBeLessThan(LIBRARY * 1.2);

    const counts = await reviewCounts(db(), { tag: 't1' });
    // The total under the whole filter is still exact under the limit; the counts beside it are estimates.
    expect(counts).toMatchObject({ total: LIBRARY / 5, totalEstimated: false, estimated: true });
    const t1 = counts.tag.find((entry) => entry.value === 't1')?.count ?? 0;
    expect(t1).toBeGreaterThan((LIBRARY / 5) * 0.7);
    expect(t1).toBeLessThan((LIBRARY / 5) * 1.3);
  });

  it('counts exactly at or under the limit', async () => {
    await db().execute(sql`update assets set deleted_at = now() where id in (select id from assets order by id limit ${LIBRARY - EXACT_COUNT_MAX})`);
    const counts = await reviewCounts(db(), {});
    expect(counts).toMatchObject({ estimated: false, totalEstimated: false });
    const [exact] = await rows<{ n: number }>(db(), sql`select count(*)::int as n from assets a where ${filterSql({ status: 'undecided' })}`);
    expect(counts.total).toBe(exact.n);
    expect(counts.tag.find((entry) => entry.value === 't1')?.count).toBe((await rows<{ n: number }>(db(), sql`select count(*)::int as n from assets a where ${filterSql({ status: 'undecided', tag: 't1' })}`))[0].n);
  });
});
