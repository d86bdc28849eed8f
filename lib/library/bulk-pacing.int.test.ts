import { and, eq, inArray } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { POST as reviewRoute } from '@/app/api/alt/review/route';
import { POST as bulkRoute } from '@/app/api/assets/bulk/route';
import { assets, jobs } from '@/db/schema';
import { JOB_PRIORITY, runAssetJobs, runDueJobs } from '@/lib/jobs';
import { productJpeg, storedAsset, useFakeGroq } from '@/test/alt';
import { call, makeAccount, type TestAccount } from '@/test/auth';
import { useTestDatabase } from '@/test/db';
import { useTemporaryLocalStorage } from '@/test/ingest';
import { standInModelAvailable, useStandInEmbeddingModel } from '@/test/stand-in-embedding-model';

/**
 * Attack 4 of issue 17: a bulk regenerate (`{"filter":{}}`) and a review reject by filter each asked for up to
 * 10,000 new proposals at interactive priority, bypassing the per-person regeneration limit. Bulk model work is
 * background work now: no model call in the request, the jobs queued behind people's, and the calls held to the
 * backfill's daily budget (BACKFILL_MAX_IMAGES_PER_DAY here).
 */
describe.skipIf(!standInModelAvailable())('bulk model work is background work under the daily budget', () => {
  const DAILY_IMAGES = 2;
  const database = useTestDatabase();
  const files = useTemporaryLocalStorage();
  const fake = useFakeGroq(() => database().db, { BACKFILL_MAX_IMAGES_PER_DAY: String(DAILY_IMAGES) });
  const db = () => database().db;
  let editor: TestAccount;
  let seed = 500;

  beforeAll(async () => {
    useStandInEmbeddingModel();
    editor = await makeAccount(db(), 'editor');
  });

  const chatCalls = () => fake().requests.filter((request) => request.path.endsWith('/chat/completions')).length;

  /** Photos processed as an upload is, each with the model's proposal. */
  async function proposed(count: number, tag: string): Promise<string[]> {
    const ids: string[] = [];
    for (let index = 0; index < count; index += 1) {
      const asset = await storedAsset(db(), files().storage, await productJpeg(900, 1200, { r: seed++ % 255, g: 60, b: 90 }), { tags: [tag] });
      expect((await runAssetJobs(db(), asset.id)).kind).toBe('finished');
      ids.push(asset.id);
    }
    return ids;
  }

  const describeJobs = (ids: string[]) => db().select().from(jobs).where(and(inArray(jobs.assetId, ids), eq(jobs.kind, 'describe')));

  it('a bulk regenerate of every photo makes no model call in the request and queues each describe job behind people\'s work', async () => {
    const ids = await proposed(4, 'regenerate-all');
    const before = chatCalls();

    const response = await call(bulkRoute, { method: 'POST', path: '/api/assets/bulk', cookie: editor.cookie, body: { action: 'regenerate', selection: { filter: {} } } });

    expect(response.status, await response.clone().text()).toBe(200);
    expect(((await response.json()) as { counts: { ok: number } }).counts.ok).toBe(ids.length);
    expect(chatCalls()).toBe(before);
    expect((await describeJobs(ids)).map((job) => [job.status, job.priority])).toEqual(ids.map(() => ['pending', JOB_PRIORITY.backfill]));
    // Gone before they run: the next test has today's whole budget.
    await db().delete(assets).where(inArray(assets.id, ids));
  });

  it(`a review reject by filter gets ${DAILY_IMAGES} new proposals today, the daily budget, and the rest wait for tomorrow`, async () => {
    const tag = 'reject-all';
    const ids = await proposed(4, tag);
    const before = chatCalls();
    const rejected = await call(reviewRoute, { method: 'POST', path: '/api/alt/review', cookie: editor.cookie, body: { action: 'reject', filter: { tag }, asOf: new Date().toISOString() } });
    expect(rejected.status, await rejected.clone().text()).toBe(200);
    expect(chatCalls()).toBe(before);

    await runDueJobs(db(), { kinds: ['describe'], concurrency: 1 });

    expect(chatCalls() - before).toBe(DAILY_IMAGES);
    const rows = await db().select().from(assets).where(inArray(assets.id, ids));
    expect(rows.filter((row) => row.altText !== null)).toHaveLength(DAILY_IMAGES);
    const now = new Date();
    const tomorrow = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));
    const waiting = (await describeJobs(ids)).filter((job) => job.status === 'waiting');
    expect(waiting.map((job) => job.nextAttemptAt?.toISOString())).toEqual([tomorrow.toISOString(), tomorrow.toISOString()]);
  });
});
