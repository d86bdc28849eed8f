import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { assets, jobs } from '@/db/schema';
import { configuredModel } from '@/lib/embed';
import { useTestDatabase } from '@/test/db';
import { reviewAsset } from '@/test/review';
import { enqueueJob, JOB_PRIORITY, kindsCountingTowardAssetState, retryFailedSteps } from './index';

/** The engine reads what each kind declares (registry.ts): which jobs are the photo's, and which are not. */
describe('job kinds declare whether they are the photo\'s', () => {
  const database = useTestDatabase();
  const db = () => database().db;

  it('the photo\'s own steps count toward its state; its purge and webhook deliveries do not', () => {
    expect(kindsCountingTowardAssetState().sort()).toEqual(['derive', 'describe', 'embed', 'frames']);
  });

  it('a failed job of a kind that does not count is not the photo\'s failure: the state stays Ready and Retry has nothing to do', async () => {
    const asset = await reviewAsset(db());
    const passed = { assetId: asset.id, status: 'done' as const, priority: JOB_PRIORITY.interactive, succeededAt: new Date() };
    await db().insert(jobs).values([{ ...passed, kind: 'derive' }, { ...passed, kind: 'describe' }, { ...passed, kind: 'embed', key: configuredModel().id }]);
    await db().insert(jobs).values({ assetId: asset.id, kind: 'purge', status: 'failed', priority: JOB_PRIORITY.backfill, lastErrorCode: 'storage_unreachable', lastError: 'The bucket did not answer.' });
    // Any change to the asset's jobs derives its state again.
    await enqueueJob(db(), { assetId: asset.id, kind: 'embed', key: configuredModel().id, priority: JOB_PRIORITY.backfill, force: true });
    const [after] = await db().select().from(assets).where(eq(assets.id, asset.id));
    expect(after).toMatchObject({ state: 'embedded', errorCode: null });
    await db().update(jobs).set({ status: 'done' }).where(eq(jobs.kind, 'embed'));
    expect(await retryFailedSteps(db(), asset.id)).toEqual({ ok: false, kind: 'nothing_failed' });
  });
});
