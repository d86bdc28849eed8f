import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '@/test/db';
import { insertCatalogueAsset } from '@/test/catalogue-assets';
import { planVectorScan } from './vector-scan';

describe('planVectorScan', () => {
  const database = useTestDatabase();

  it('walks the HNSW index without filters, and ranks a selective filter exactly', async () => {
    const { db } = database();
    await insertCatalogueAsset(db, { filename: 'navy-backpack.jpg', tags: ['rare'] });
    await insertCatalogueAsset(db, { filename: 'red-dress.jpg', tags: ['common'] });

    expect(await planVectorScan(db, { candidates: 34, filters: {} })).toEqual({ exact: false, efSearch: 100 });
    expect(await planVectorScan(db, { candidates: 34, filters: { tag: 'rare' } })).toEqual({ exact: true, efSearch: 400 });
  });

  it('walks the index (iteratively) when the filter keeps more rows than an exact ranking should read', async () => {
    const { db } = database();
    await db.execute(sql`
      insert into assets (filename, declared_type, declared_size, original_key, derivative_prefix, state, tags)
      select 'bulk-' || i || '.jpg', 'image/jpeg', 1000, 'o/bulk' || i, 'd/bulk' || i, 'described', array['common']
      from generate_series(1, 5001) as i`);

    expect(await planVectorScan(db, { candidates: 34, filters: { tag: 'common' } })).toEqual({ exact: false, efSearch: 400 });
    expect(await planVectorScan(db, { candidates: 34, filters: { tag: 'rare' } })).toMatchObject({ exact: true });
  });
});
