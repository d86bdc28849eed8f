import { eq } from 'drizzle-orm';
import type { Db } from '@/db/handle';
import { assets } from '@/db/schema';
import { config } from '@/lib/config';
import { getStorage, newDerivativePrefix, newOriginalKey, newUploadKey, type SignedRequest } from '@/lib/storage';
import { checkDeclaredType } from './content-types';
import { sanitizeFilename } from './filename';

export interface UploadRequest {
  filename: string;
  contentType: string;
  size: number;
  /** Absent when the browser could not hash the file: no early duplicate answer, completion dedupes instead. */
  sha256?: string;
  tags?: string[];
}

export type UploadRejection = {
  kind: 'rejected';
  code: 'invalid_filename' | 'svg_refused' | 'unsupported_type' | 'empty_file' | 'file_too_large';
  message: string;
};

export type CreateUploadResult =
  | { kind: 'duplicate'; duplicateOf: string }
  | { kind: 'created'; assetId: string; upload: SignedRequest }
  | UploadRejection;

/**
 * Step 1 of an upload: checks what the browser declares, answers with the existing asset when the declared
 * SHA-256 is already stored, otherwise records an `awaiting_upload` asset under fresh random keys and hands out a
 * short-lived URL bound to the upload key (never the original's), type and size.
 */
export async function createUpload(db: Db, request: UploadRequest, uploadedBy: string | null): Promise<CreateUploadResult> {
  const { upload: limits } = config();
  const name = sanitizeFilename(request.filename);
  if (!name.ok) return { kind: 'rejected', code: name.code, message: name.message };
  const type = checkDeclaredType(request.contentType);
  if (!type.ok) return { kind: 'rejected', code: type.code, message: type.message };
  if (request.size === 0) return { kind: 'rejected', code: 'empty_file', message: `${name.filename} is empty (0 bytes): there is nothing to upload.` };
  if (request.size > limits.maxBytes) {
    return {
      kind: 'rejected',
      code: 'file_too_large',
      message: `${name.filename} is ${formatMegabytes(request.size)}; the limit is ${formatMegabytes(limits.maxBytes)}. Export a smaller file.`,
    };
  }

  const sha256 = request.sha256?.toLowerCase() ?? null;
  if (sha256) {
    const [existing] = await db.select({ id: assets.id }).from(assets).where(eq(assets.sha256, sha256)).limit(1);
    if (existing) return { kind: 'duplicate', duplicateOf: existing.id };
  }

  const uploadKey = newUploadKey();
  const expiresInSeconds = limits.urlTtlSeconds;
  const [row] = await db
    .insert(assets)
    .values({
      filename: name.filename,
      declaredType: type.contentType,
      declaredSize: request.size,
      declaredSha256: sha256,
      originalKey: newOriginalKey(),
      uploadKey,
      derivativePrefix: newDerivativePrefix(),
      tags: normaliseTags(request.tags ?? []),
      uploadedBy,
      uploadExpiresAt: new Date(Date.now() + expiresInSeconds * 1000),
    })
    .returning({ id: assets.id });
  const storage = await getStorage();
  const upload = await storage.signedPutUrl(uploadKey, { expiresInSeconds, contentType: type.contentType, size: request.size });
  return { kind: 'created', assetId: row.id, upload };
}

/** Trimmed, lower-cased, unique, in the order given. */
function normaliseTags(tags: string[]): string[] {
  return [...new Set(tags.map((tag) => tag.normalize('NFC').trim().toLowerCase()).filter(Boolean))];
}

function formatMegabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
