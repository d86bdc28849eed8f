import { eq } from 'drizzle-orm';
import type { Db } from '@/db/handle';
import { assets } from '@/db/schema';
import { config } from '@/lib/config';
import { getStorage, newDerivativePrefix, newOriginalKey, newUploadKey, type SignedRequest } from '@/lib/storage';
import { checkDeclaredType } from './content-types';
import { sanitizeFilename } from './filename';
import { planParts, type PartPlan } from './parted-upload';

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
  /** Over the part threshold: the bytes go in parts, whose URLs the client asks for (and can ask again after a reload). */
  | { kind: 'created_parted'; assetId: string; plan: PartPlan }
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

  const storage = await getStorage();
  const originalKey = newOriginalKey();
  // A parted upload assembles straight at the original key: no part URL can write the object itself (see Storage).
  const plan = request.size > limits.partThresholdBytes ? planParts(request.size, limits.partSizeBytes) : null;
  const multipartUploadId = plan ? await storage.createMultipartUpload(originalKey, { contentType: type.contentType }) : null;
  const uploadKey = plan ? null : newUploadKey();
  const expiresInSeconds = limits.urlTtlSeconds;
  const insert = db
    .insert(assets)
    .values({
      filename: name.filename,
      declaredType: type.contentType,
      declaredSize: request.size,
      declaredSha256: sha256,
      originalKey,
      uploadKey,
      multipartUploadId,
      partSize: plan?.partSize ?? null,
      derivativePrefix: newDerivativePrefix(),
      tags: normaliseTags(request.tags ?? []),
      uploadedBy,
      uploadExpiresAt: new Date(Date.now() + expiresInSeconds * 1000),
    })
    .returning({ id: assets.id });
  // Without its row nothing would ever abort the storage-side upload: abort it here.
  const [row] = await insert.catch(async (error: unknown) => {
    if (multipartUploadId) await storage.abortMultipartUpload(originalKey, multipartUploadId);
    throw error;
  });
  if (plan) return { kind: 'created_parted', assetId: row.id, plan };
  const upload = await storage.signedPutUrl(uploadKey ?? '', { expiresInSeconds, contentType: type.contentType, size: request.size });
  return { kind: 'created', assetId: row.id, upload };
}

/** Trimmed, lower-cased, unique, in the order given. */
function normaliseTags(tags: string[]): string[] {
  return [...new Set(tags.map((tag) => tag.normalize('NFC').trim().toLowerCase()).filter(Boolean))];
}

function formatMegabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
