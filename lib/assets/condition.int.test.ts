import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { assets } from '@/db/schema';
import { GET as coverageRoute } from '@/app/api/alt/coverage/route';
import { GET as reviewRoute } from '@/app/api/alt/review/route';
import { GET as assetRoute } from '@/app/api/assets/[id]/route';
import { GET as listRoute } from '@/app/api/assets/route';
import { runAssetJobs, altCoverage } from '@/lib/jobs';
import { productJpeg, storedAsset, useFakeGroq } from '@/test/alt';
import { call, makeAccount, type TestAccount } from '@/test/auth';
import { useTestDatabase } from '@/test/db';
import { useTemporaryLocalStorage } from '@/test/ingest';
import { standInModelAvailable, useStandInEmbeddingModel } from '@/test/stand-in-embedding-model';
import { countLibrary, type AssetView } from '.';

/**
 * One meaning of "failed": after a vision provider outage (every call answers 500) three photos have no alt
 * text and Loupe will try again by itself. The library and its count, the API's state filter, coverage, the
 * review queue's counts and the backfill page all call them retrying (none failed), and the asset says when
 * the next automatic try is.
 */
describe.skipIf(!standInModelAvailable())('after a vision provider outage', () => {
  const database = useTestDatabase();
  const files = useTemporaryLocalStorage();
  const fake = useFakeGroq(() => database().db);
  const db = () => database().db;
  let editor: TestAccount;
  const ids: string[] = [];

  beforeAll(async () => {
    useStandInEmbeddingModel();
    editor = await makeAccount(db(), 'editor');
    fake().setDefault({ kind: 'status', status: 500 });
    for (const [width, height] of [[900, 1200], [800, 1000], [700, 900]]) {
      const asset = await storedAsset(db(), files().storage, await productJpeg(width, height), { filename: `outage-${width}.jpg` });
      await runAssetJobs(db(), asset.id);
      ids.push(asset.id);
    }
  });

  const get = async <T>(route: Parameters<typeof call>[0], path: string, params?: Record<string, string>): Promise<T> => {
    const response = await call(route, { path, params, cookie: editor.cookie });
    expect(response.status, path).toBe(200);
    return (await response.json()) as T;
  };
  const listed = async (state: string) => (await get<{ items: AssetView[] }>(listRoute, `/api/assets?state=${state}&limit=100`)).items.map((item) => item.id).sort();

  it('the library count and the API filter: 3 retrying, 0 failed', async () => {
    expect(await countLibrary(db())).toMatchObject({ all: 3, failed: 0, retrying: 3, estimated: false });
    expect(await listed('retrying')).toEqual([...ids].sort());
    expect(await listed('failed')).toEqual([]);
  });

  it('coverage, the review queue and the backfill page say the same: 3 retrying, 0 failed', async () => {
    const { overall } = await get<{ overall: Record<string, number> }>(coverageRoute, '/api/alt/coverage');
    expect(overall).toMatchObject({ retrying: 3, failed: 0, missing: 0 });
    const review = await get<{ counts: { status: Record<string, number> } }>(reviewRoute, '/api/alt/review?counts=1');
    expect(review.counts.status).toMatchObject({ retrying: 3, failed: 0, missing: 0 });
    expect(await altCoverage(db())).toMatchObject({ retrying: 3, failed: 0, missing: 0 });
  });

  it('each asset is retrying, not failed, and says when the next automatic try is', async () => {
    for (const id of ids) {
      const view = await get<AssetView>(assetRoute, `/api/assets/${id}`, { id });
      const [row] = await db().select({ next: assets.altNextAttemptAt }).from(assets).where(eq(assets.id, id));
      expect(view).toMatchObject({ condition: 'retrying', failed: false, nextTryAt: row.next!.toISOString(), alt: { text: null, lastErrorCode: 'server_error', nextTryAt: row.next!.toISOString() } });
    }
  });
});
