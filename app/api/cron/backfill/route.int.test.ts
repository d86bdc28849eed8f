import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { assets, backfillRuns } from '@/db/schema';
import { resetConfig } from '@/lib/config';
import { productJpeg, storedAsset, useFakeGroq } from '@/test/alt';
import { call, makeAccount, type TestAccount } from '@/test/auth';
import { useTestDatabase } from '@/test/db';
import { useTemporaryLocalStorage } from '@/test/ingest';
import { standInModelAvailable, useStandInEmbeddingModel } from '@/test/stand-in-embedding-model';
import { GET, POST } from './route';

const SECRET = 'cron-secret-for-tests-0123456789';

/** /api/cron/backfill: who may call it, what it answers, and two calls at once. */
describe.skipIf(!standInModelAvailable())('/api/cron/backfill', () => {
  const database = useTestDatabase();
  const files = useTemporaryLocalStorage();
  const fake = useFakeGroq(() => database().db);
  const accounts = {} as Record<'admin' | 'editor', TestAccount>;
  const runs = () => database().db.select().from(backfillRuns);

  beforeAll(async () => {
    useStandInEmbeddingModel();
    accounts.admin = await makeAccount(database().db, 'admin');
    accounts.editor = await makeAccount(database().db, 'editor');
  });
  beforeEach(async () => {
    await database().db.delete(backfillRuns);
    process.env.CRON_SECRET = SECRET;
    resetConfig();
  });

  const cron = (bearer?: string, path = '/api/cron/backfill') => call(GET, { method: 'GET', path, bearer });

  it('refuses a call without a secret, with a wrong one, or with any secret when CRON_SECRET is unset (401, nothing run)', async () => {
    for (const response of [await cron(), await cron('not-the-secret-at-all-0000'), await cron(`${SECRET}x`)]) {
      expect(response.status).toBe(401);
      expect((await response.json()).error.code).toBe('unauthenticated');
    }
    delete process.env.CRON_SECRET;
    resetConfig();
    expect((await cron(SECRET)).status).toBe(401);
    expect((await cron('')).status).toBe(401);
    expect(await runs()).toEqual([]);
    expect((await cron(accounts.editor.token)).status).toBe(403);
    expect(await runs()).toEqual([]);
  });

  it('runs with the secret (trigger cron) and for an admin (trigger admin), answering with what it did', async () => {
    await storedAsset(database().db, files().storage, await productJpeg(), { title: 'Navy wool coat' });
    const response = await cron(SECRET);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ status: 'ran', run: { trigger: 'cron', stopReason: 'done' } });
    const admin = await call(POST, { method: 'POST', path: '/api/cron/backfill?limit=5', bearer: accounts.admin.token });
    expect(admin.status).toBe(200);
    expect(await admin.json()).toMatchObject({ status: 'ran', run: { trigger: 'admin' } });
  });

  it('a dry run answers the plan without a model call', async () => {
    const before = fake().requests.length;
    const response = await cron(SECRET, '/api/cron/backfill?dryRun=true');
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.status).toBe('dry_run');
    expect(body.summary.at(-1)).toBe('No model was called.');
    expect(fake().requests.length).toBe(before);
    expect(await runs()).toEqual([]);
  });

  it('refuses unknown or bad parameters with 422 before running anything', async () => {
    for (const path of ['/api/cron/backfill?bogus=1', '/api/cron/backfill?limit=-3', '/api/cron/backfill?model=x']) {
      const response = await cron(SECRET, path);
      expect(response.status, path).toBe(422);
      expect((await response.json()).error.code).toBe('validation_failed');
    }
    expect(await runs()).toEqual([]);
  });

  it('a second call while the first runs finds the work claimed and returns at once', async () => {
    const asset = await storedAsset(database().db, files().storage, await productJpeg(), { title: 'Navy wool coat' });
    let release = () => {};
    fake().script({ kind: 'held', until: new Promise<void>((resolve) => (release = resolve)), then: { kind: 'describe' } });
    const first = cron(SECRET);
    await fake().waitForRequests(1);
    const second = await cron(SECRET);
    expect(await second.json()).toMatchObject({ status: 'already_running' });
    expect(fake().requests.length).toBe(1);
    release();
    expect(await (await first).json()).toMatchObject({ status: 'ran' });
    const [done] = await database().db.select().from(assets).where(eq(assets.id, asset.id));
    expect(done.altSource).toBe('ai');
  });
});
