import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rows } from '@/db/client';
import { useTestDatabase } from '@/test/db';
import { insertCatalogueAsset } from '@/test/catalogue-assets';
import { efSearchFor, EXACT_SCAN_MAX_ROWS, nearestSql } from './vector-scan';

/**
 * One statement reads the nearest vectors: the plan says which branch ran (an exact ranking of the rows a
 * selective filter keeps, or the HNSW index) without a count query before it.
 */
describe('nearestSql', () => {
  const database = useTestDatabase();
  const DIMS = 3;
  const vectorType = sql.raw(`halfvec(${DIMS})`);
  const model = sql.raw(`'bench-3'`);

  async function embed(id: string, vector: number[]): Promise<void> {
    await database().db.execute(sql`insert into embedding_models (id, dimensions, status) values ('bench-3', ${DIMS}, 'active') on conflict do nothing`);
    await database().db.execute(sql`insert into asset_embeddings (asset_id, model, embedding, input_hash) values (${id}, 'bench-3', ${`[${vector.join(',')}]`}::vector, 'h')`);
  }

  it('ranks a selective filter exactly, and gives the nearest rows the filter keeps', async () => {
    const { db } = database();
    const near = await insertCatalogueAsset(db, { filename: 'near.jpg', tags: ['rare'] });
    const far = await insertCatalogueAsset(db, { filename: 'far.jpg', tags: ['rare'] });
    const other = await insertCatalogueAsset(db, { filename: 'other.jpg', tags: ['common'] });
    await embed(near, [1, 0, 0]);
    await embed(far, [0, 1, 0]);
    await embed(other, [1, 0.01, 0]);
    const statement = sql`select asset_id from ${nearestSql({ vectorType, model, query: sql`'[1,0,0]'::halfvec(3)`, filter: { tag: 'rare' }, limit: 10 })} n order by distance`;
    expect((await rows<{ asset_id: string }>(db, statement)).map((row) => row.asset_id)).toEqual([near, far]);
  });

  it('reads the HNSW branch only when the filter keeps more rows than an exact ranking should read', async () => {
    const { db } = database();
    await db.execute(sql`
      insert into assets (filename, declared_type, declared_size, original_key, derivative_prefix, state, tags)
      select 'bulk-' || i || '.jpg', 'image/jpeg', 1000, 'o/bulk' || i, 'd/bulk' || i, 'described', array['common']
      from generate_series(1, ${EXACT_SCAN_MAX_ROWS + 1}) as i`);
    // Which branch ran: the exact one reads the kept rows (`CTE Scan on kept k`); the other shows "never executed".
    const keptScan = async (tag: string) => {
      const found = await rows<Record<string, string>>(db, sql`explain analyze select * from ${nearestSql({ vectorType, model, query: sql`'[1,0,0]'::halfvec(3)`, filter: { tag }, limit: 10 })} n`);
      return found.map((row) => Object.values(row)[0]).find((line) => line.includes('CTE Scan on kept k ')) ?? '';
    };
    expect(await keptScan('rare')).not.toContain('never executed');
    expect(await keptScan('common')).toContain('never executed');
  });

  it('keeps the candidate list at least 400 and twice the window, within pgvector’s ceiling', () => {
    // 128 for a page of 24 (a window of 64) left whole clusters unreached at 100k photos (bench:search's worst query).
    expect(efSearchFor(64)).toBe(400);
    expect(efSearchFor(10)).toBe(400);
    expect(efSearchFor(300)).toBe(600);
    expect(efSearchFor(900)).toBe(1000);
  });
});
