import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { and, eq, gt, inArray, lte } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { importFiles } from '@/db/schema';
import { importFileKey, getStorage, newImportFileKey } from '@/lib/storage';
import { hasNoNul } from '@/lib/text-input';
import { MAX_IMPORT_BYTES } from './csv-read';

/**
 * The import page's CSV file, kept on the server between the preview and the apply, so the file never travels
 * back through the browser (a page without JavaScript could not send it again anyway). It is written to storage
 * as it arrives (hashed and counted on the way, refused past MAX_IMPORT_BYTES), found again only by the person
 * who chose it and its SHA-256 (what the page's forms carry), and forgotten IMPORT_FILE_TTL_MS after it was last
 * chosen. Another person's digest, an unknown one and an expired one get the same answer: choose the file again.
 */

export const IMPORT_FILE_TTL_MS = 60 * 60_000;
export const MAX_IMPORT_FILENAME_LENGTH = 255;
/** Expired files removed on the way each time a file is kept: enough to keep up, never a long pause for one person. */
const EXPIRED_BATCH = 50;

export const IMPORT_FILE_PROBLEMS = ['payload_too_large', 'invalid_filename', 'no_file', 'file_gone'] as const;
export type ImportFileProblemKind = (typeof IMPORT_FILE_PROBLEMS)[number];
export type ImportFileProblem = { kind: ImportFileProblemKind; message: string };

/** What each refusal says, so a page that gets only the kind (after a redirect) says the same as the API. */
export const IMPORT_FILE_MESSAGES: Record<ImportFileProblemKind, string> = {
  payload_too_large: `The file is over ${MAX_IMPORT_BYTES / 1024 / 1024} MB. Split it into smaller files.`,
  invalid_filename: `The file's name holds a NUL character or is over ${MAX_IMPORT_FILENAME_LENGTH} characters. Rename the file and choose it again.`,
  no_file: 'Choose a CSV file first (a form, multipart/form-data, with the file in the field "file").',
  file_gone: 'This file is no longer on the server (a chosen file is kept for an hour, for the person who chose it), so nothing was done. Choose the file again.',
};

/** A refusal of a file, with its message. */
export function importFileProblem(kind: ImportFileProblemKind): { ok: false } & ImportFileProblem {
  return { ok: false, kind, message: IMPORT_FILE_MESSAGES[kind] };
}
const problem = importFileProblem;

export interface KeptImportFile {
  /** SHA-256 of the file's bytes, hex. */
  digest: string;
  filename: string;
  size: number;
  expiresAt: Date;
}

export type KeepResult = { ok: true; file: KeptImportFile } | ({ ok: false } & ImportFileProblem);

class TooLarge extends Error {}

/** Passes the bytes on while hashing and counting them; throws TooLarge past the limit. */
async function* measured(bytes: AsyncIterable<Uint8Array>, hash: ReturnType<typeof createHash>, size: { bytes: number }): AsyncGenerator<Uint8Array> {
  for await (const chunk of bytes) {
    size.bytes += chunk.length;
    if (size.bytes > MAX_IMPORT_BYTES) throw new TooLarge();
    hash.update(chunk);
    yield chunk;
  }
}

/**
 * Keeps a person's CSV file: streamed into storage under a fresh key, then moved to the key of this person and
 * digest (choosing the same file again replaces its copy and renews its time). Returns the digest to carry.
 */
export async function keepImportFile(db: Db, upload: { userId: string; filename: string; bytes: AsyncIterable<Uint8Array> }, now = new Date()): Promise<KeepResult> {
  const filename = upload.filename.trim();
  if (!hasNoNul(filename) || filename.length > MAX_IMPORT_FILENAME_LENGTH) return problem('invalid_filename');
  if (filename === '') return problem('no_file');
  const storage = await getStorage();
  const arriving = newImportFileKey();
  const hash = createHash('sha256');
  const size = { bytes: 0 };
  try {
    await storage.put(arriving, Readable.from(measured(upload.bytes, hash, size)), { contentType: 'text/csv' });
  } catch (error) {
    await storage.delete(arriving);
    if (error instanceof TooLarge) return problem('payload_too_large');
    throw error;
  }
  const digest = hash.digest('hex');
  await storage.move(arriving, importFileKey(upload.userId, digest));
  const expiresAt = new Date(now.getTime() + IMPORT_FILE_TTL_MS);
  await db
    .insert(importFiles)
    .values({ userId: upload.userId, digest, filename, size: size.bytes, expiresAt })
    .onConflictDoUpdate({ target: [importFiles.userId, importFiles.digest], set: { filename, size: size.bytes, expiresAt, createdAt: now } });
  await removeExpiredImportFiles(db, now);
  return { ok: true, file: { digest, filename, size: size.bytes, expiresAt } };
}

export type OpenResult = { ok: true; file: KeptImportFile; bytes: Readable } | ({ ok: false } & ImportFileProblem);

/** The person's kept file with this digest, as a stream of its bytes; file_gone when it is not theirs, unknown or expired. */
export async function openImportFile(db: Db, userId: string, digest: string, now = new Date()): Promise<OpenResult> {
  const [row] = await db
    .select({ digest: importFiles.digest, filename: importFiles.filename, size: importFiles.size, expiresAt: importFiles.expiresAt })
    .from(importFiles)
    .where(and(eq(importFiles.userId, userId), eq(importFiles.digest, digest), gt(importFiles.expiresAt, now)))
    .limit(1);
  if (!row) return problem('file_gone');
  const bytes = await (await getStorage()).get(importFileKey(userId, digest));
  // A row whose bytes are gone (removed while it was being renewed) is as gone as the row.
  if (!bytes) return problem('file_gone');
  return { ok: true, file: row, bytes };
}

/**
 * Files past their time: the bytes first, then the row (only if it has not been renewed meanwhile), so a
 * failure half-way leaves a row to retry from, never bytes nobody points at. Returns how many were removed.
 */
export async function removeExpiredImportFiles(db: Db, now = new Date()): Promise<number> {
  const expired = await db
    .select({ id: importFiles.id, userId: importFiles.userId, digest: importFiles.digest })
    .from(importFiles)
    .where(lte(importFiles.expiresAt, now))
    .limit(EXPIRED_BATCH);
  if (expired.length === 0) return 0;
  const storage = await getStorage();
  for (const file of expired) await storage.delete(importFileKey(file.userId, file.digest));
  const removed = await db
    .delete(importFiles)
    .where(and(inArray(importFiles.id, expired.map((file) => file.id)), lte(importFiles.expiresAt, now)))
    .returning({ id: importFiles.id });
  return removed.length;
}
