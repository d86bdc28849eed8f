import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assetRemotes, assets } from '@/db/schema';
import { resetConfig } from '@/lib/config';
import { useStorageForTests } from '@/lib/storage';
import { allowPrivateStores, connectStore, fakeStore, photo, runConnectionJobs } from '@/test/connections';
import { useTestDatabase } from '@/test/db';
import { startS3rver, type S3rverHandle } from '@/test/s3rver';
import { requestSync, useConnectorForTests } from './index';

/** The sync on the S3 driver (s3rver): originals streamed into the bucket, hashed on the way, deduplicated. */

const database = useTestDatabase();
let s3: S3rverHandle;

beforeAll(async () => {
  allowPrivateStores(true);
  s3 = await startS3rver();
  useStorageForTests(s3.storage);
});

afterAll(async () => {
  useStorageForTests(undefined);
  useConnectorForTests(undefined, 'wordpress');
  await s3.stop();
  delete process.env.CONNECTIONS_ALLOW_PRIVATE;
  resetConfig();
});

describe('syncing onto S3', () => {
  it('stores each new photo once in the bucket, with its SHA-256, and links a copy the store holds twice', async () => {
    const { db } = database();
    const store = fakeStore({ pageSize: 2 });
    useConnectorForTests(store.connector);
    const bytes = [await photo(80), await photo(81)];
    store.add({ remoteId: '1', bytes: bytes[0], altText: 'Linen shirt' });
    store.add({ remoteId: '2', bytes: bytes[1], altText: '' });
    store.add({ remoteId: '3', bytes: bytes[0], altText: 'Linen shirt' });
    const connection = await connectStore(db, store);
    expect((await requestSync(db, connection.id)).ok).toBe(true);
    await runConnectionJobs(db, 'sync');

    const stored = await db.select().from(assets);
    expect(stored.map((asset) => asset.sha256).sort()).toEqual(bytes.map((b) => createHash('sha256').update(b).digest('hex')).sort());
    for (const asset of stored) {
      expect(asset.state).toBe('stored');
      expect(asset.uploadKey === null || (await s3.storage.head(asset.uploadKey)) === null).toBe(true);
      expect((await s3.storage.head(asset.originalKey))?.size).toBe(asset.sizeBytes);
    }
    const links = await db.select().from(assetRemotes).where(eq(assetRemotes.connectionId, connection.id));
    expect(links).toHaveLength(3);
    expect(new Set(links.map((link) => link.assetId)).size).toBe(2);
  });
});
