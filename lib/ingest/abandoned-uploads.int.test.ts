import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { assets } from '@/db/schema';
import { makeAccount, type TestAccount } from '@/test/auth';
import { useTestDatabase } from '@/test/db';
import { removeAbandonedUploads } from './abandoned-uploads';
import { announceUpload, putToSignedUrl, storedKeys, testJpeg, useTemporaryLocalStorage } from '@/test/ingest';

const database = useTestDatabase();
const files = useTemporaryLocalStorage();
let editor: TestAccount;

beforeAll(async () => {
  editor = await makeAccount(database().db, 'editor');
});

async function announced(seed: number, put: boolean): Promise<string> {
  const bytes = await testJpeg(seed);
  const { assetId, upload } = await announceUpload(editor, bytes);
  if (put) expect((await putToSignedUrl(upload.url, bytes)).status).toBe(200);
  return assetId;
}

describe('removeAbandonedUploads', () => {
  it('removes long-expired, never-completed uploads and their bytes, and nothing recent', async () => {
    const withBytes = await announced(1, true);
    const withoutBytes = await announced(2, false);
    const recent = await announced(3, true);
    await database()
      .db.update(assets)
      .set({ uploadExpiresAt: sql`now() - interval '2 hours'` })
      .where(sql`${assets.id} in (${withBytes}, ${withoutBytes})`);

    expect(await removeAbandonedUploads(database().db)).toBe(2);
    const remaining = await database().db.select({ id: assets.id, uploadKey: assets.uploadKey }).from(assets);
    expect(remaining.map((row) => row.id)).toEqual([recent]);
    expect(await storedKeys(files().root)).toEqual([remaining[0].uploadKey]);
    expect(await removeAbandonedUploads(database().db)).toBe(0);
    const [stillThere] = await database().db.select({ state: assets.state }).from(assets).where(eq(assets.id, recent));
    expect(stillThere.state).toBe('awaiting_upload');
  });
});
