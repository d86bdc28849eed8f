import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as syncRoute } from '@/app/api/connections/[id]/sync/route';
import { POST as createRoute } from '@/app/api/connections/route';
import { assets } from '@/db/schema';
import { resetConfig } from '@/lib/config';
import { checkItems, decide } from '@/lib/review';
import { useStorageForTests } from '@/lib/storage';
import { call, makeAccount } from '@/test/auth';
import { allowPrivateStores, remoteOf, runConnectionJobs } from '@/test/connections';
import { useTestDatabase } from '@/test/db';
import { startS3rver, type S3rverHandle } from '@/test/s3rver';
import { PRODUCT_PHOTOS_DIR, startWordPress, wordpressAvailable, type WordPressSite } from '@/test/wordpress';
import { countWrites, writesOf } from '@/test/wordpress-loupe';
import { type ConnectionView } from './index';

/** A real WordPress's photos onto S3 (s3rver): the shop's very files in the bucket, and approved text back in the shop. */

const database = useTestDatabase();
let s3: S3rverHandle;
let site: WordPressSite;

beforeAll(async () => {
  allowPrivateStores(true);
  s3 = await startS3rver();
  useStorageForTests(s3.storage);
  site = await startWordPress({ workers: 2 });
  countWrites(site);
}, 180_000);

afterAll(async () => {
  useStorageForTests(undefined);
  await site?.stop();
  await s3?.stop();
  delete process.env.CONNECTIONS_ALLOW_PRIVATE;
  resetConfig();
});

describe.skipIf(!wordpressAvailable())('a real WordPress shop onto S3', () => {
  it('stores the shop’s files in the bucket with their alt text, and writes approved text back once', async () => {
    const { db } = database();
    const files = ['10053.jpg', '10439.jpg'];
    const [coat, hat] = await site.seedMedia([
      { file: files[0], alt: 'Linen shirt, front' },
      { file: files[1], alt: '' },
    ]);
    const admin = await makeAccount(db, 'admin');
    const created = await call(createRoute, { method: 'POST', cookie: admin.cookie, body: { kind: 'wordpress', name: 'Linen & Co', url: site.url, username: site.username, applicationPassword: site.applicationPassword } });
    expect(created.status).toBe(201);
    const connection = ((await created.json()) as { connection: ConnectionView }).connection;
    expect((await call(syncRoute, { method: 'POST', cookie: admin.cookie, params: { id: connection.id } })).status).toBe(202);
    await runConnectionJobs(db, 'sync');

    const [front] = await db.select().from(assets).where(eq(assets.id, (await remoteOf(db, String(coat))).assetId));
    expect(front).toMatchObject({ altText: 'Linen shirt, front', altSource: 'shop', state: 'stored' });
    // WordPress keeps the uploaded original as it came: the bucket holds those very bytes.
    expect(front.sha256).toBe(createHash('sha256').update(fs.readFileSync(path.join(PRODUCT_PHOTOS_DIR, files[0]))).digest('hex'));
    expect((await s3.storage.head(front.originalKey))?.size).toBe(front.sizeBytes);

    const [back] = await db.select().from(assets).where(eq(assets.id, (await remoteOf(db, String(hat))).assetId));
    const { valid } = checkItems('edit', [{ id: back.id, version: back.version, text: 'Linen shirt, back view' }]);
    await decide(db, 'edit', valid, { userId: admin.id, name: 'Test admin', kind: 'person' });
    // The decision's alt_text event queued the writeback (lib/events' outbox, writebackSubscriber).
    await runConnectionJobs(db, 'writeback');
    expect(await site.readAlt(hat)).toBe('Linen shirt, back view');
    expect(writesOf(site)).toEqual([hat]);
  });
});
