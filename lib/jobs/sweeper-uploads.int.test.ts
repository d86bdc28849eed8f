import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { assets, importFiles } from '@/db/schema';
import { IMPORT_FILE_TTL_MS, keepImportFile } from '@/lib/catalogue';
import { resetConfig } from '@/lib/config';
import { importFileKey, LocalStorage } from '@/lib/storage';
import { makeAccount } from '@/test/auth';
import { useTestDatabase } from '@/test/db';
import { startUpload, useTemporaryLocalStorage } from '@/test/ingest';
import { startSweeper, stopSweeper } from './sweeper';

const database = useTestDatabase();
const files = useTemporaryLocalStorage();

beforeAll(() => {
  process.env.UPLOAD_PART_THRESHOLD_BYTES = String(6 * 1024 * 1024);
  resetConfig();
});
afterAll(async () => {
  await stopSweeper();
  delete process.env.UPLOAD_PART_THRESHOLD_BYTES;
  resetConfig();
});

it('the running server’s sweeper aborts an abandoned parted upload by itself: parts and row gone', async () => {
  const editor = await makeAccount(database().db, 'editor');
  const started = await startUpload(editor, Buffer.alloc(0), { filename: 'big.png', contentType: 'image/png', size: 12 * 1024 * 1024, sha256: null });
  expect(started.status).toBe(201);
  const { assetId } = (await started.json()) as { assetId: string };
  const [row] = await database().db.select().from(assets).where(eq(assets.id, assetId));
  const storage = files().storage as LocalStorage;
  expect(await storage.putPart(row.multipartUploadId ?? '', 1, Readable.from([Buffer.alloc(5 * 1024 * 1024, 1)]))).toBe(true);
  await database().db.update(assets).set({ uploadExpiresAt: sql`now() - interval '2 hours'` }).where(eq(assets.id, assetId));

  await startSweeper({ intervalMs: 100 });
  await expect.poll(async () => (await database().db.select().from(assets).where(eq(assets.id, assetId))).length, { timeout: 20_000 }).toBe(0);
  await stopSweeper();
  expect(await fs.readdir(path.join(files().root, '.parts', row.multipartUploadId ?? '')).catch(() => 'gone')).toBe('gone');
});

it('the running server’s sweeper removes an import file kept past its hour: row and bytes gone', async () => {
  const editor = await makeAccount(database().db, 'editor');
  const hoursAgo = new Date(Date.now() - 2 * IMPORT_FILE_TTL_MS);
  const kept = await keepImportFile(database().db, { userId: editor.id, filename: 'old.csv', bytes: Readable.from([Buffer.from('filename,title\nold.jpg,Old\n')]) }, hoursAgo);
  if (!kept.ok) throw new Error(kept.message);
  const key = importFileKey(editor.id, kept.file.digest);
  expect(await files().storage.head(key)).not.toBeNull();

  await startSweeper({ intervalMs: 100 });
  await expect.poll(async () => (await database().db.select().from(importFiles).where(eq(importFiles.digest, kept.file.digest))).length, { timeout: 20_000 }).toBe(0);
  await stopSweeper();
  expect(await files().storage.head(key)).toBeNull();
});
